import type { Server } from 'node:http'
import type { EgressPolicy } from '../egress/index.ts'
import type { Router } from '../router/types.ts'
import type { PluginHooks } from './plugin-hooks.ts'

/** The pino-shaped subset the proxy writes to. */
export interface ProxyLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface ProxyOptions {
  router: Router
  /** IPs and CIDR blocks (config `trusted_ips`) whose forwarding headers are believed. */
  trustedIps: string[]
  /** Header carrying the client address from a trusted peer (config `real_ip_header`). */
  realIpHeader: string
  realIpRecursive: boolean
  /** Bytes; 0 = unlimited. Larger bodies get 413. */
  clientMaxBodySize: number
  /** Bytes of request line and headers; more gets 431. */
  clientHeaderMaxSize: number
  /** Number of request headers; more gets 431. */
  clientHeaderMaxCount: number
  /** Connections per upstream pool; 0 disables upstream keep-alive. */
  upstreamKeepalivePoolSize: number
  nodeId: string
  /** Gateway version, for `Via` and `Server`. */
  version: string
  logger: ProxyLogger
  /** Receives one JSON object per request once its response is finished. */
  accessLog: ProxyLogger
  /** The plugin runtime of the current configuration; absent = no plugins run. */
  plugins?: PluginHooks | null
  /** Where plugin-chosen targets may go (plugin_egress_*, dns_resolver); absent = the default lists. */
  egress?: EgressPolicy
}

/** nginx stub_status fields, as Kong's `/status` reports them under `server`. */
export interface ProxyStats {
  connections_active: number
  connections_accepted: number
  connections_handled: number
  connections_reading: number
  connections_writing: number
  connections_waiting: number
  total_requests: number
}

export interface GatewayProxy {
  /** Created with the header limits; the caller listens. */
  server: Server
  /** Atomic swap: requests that start afterwards use the new router. */
  setRouter(router: Router): void
  /** Atomic swap of the plugin hooks (null: none), like setRouter; swap both in one tick for a snapshot. */
  setPlugins(plugins: PluginHooks | null): void
  stats(): ProxyStats
  /**
   * Stops accepting, lets in-flight requests finish (at most `graceMs`, default 10 s), closes idle
   * keep-alive connections, then the upstream pools.
   */
  close(graceMs?: number): Promise<void>
}

/** What `accessLog.info` receives for every request. */
export interface AccessLogEntry {
  request_id: string
  node_id: string
  started_at: number
  client_ip: string
  method: string
  uri: string
  upstream_uri: string | null
  status: number
  /** Bytes read from the client for this request, request line and headers included. */
  bytes_received: number
  /** Bytes written to the client for this response, status line and headers included. */
  bytes_sent: number
  route_id: string | null
  service_id: string | null
  workspace_id: string | null
  /** Upstream attempts made (1 + retries used); 0 when the gateway answered by itself. */
  tries: number
  /** Milliseconds: in the gateway before the (last) upstream attempt, waiting for upstream headers, whole request. */
  latencies: { proxy: number | null; upstream: number | null; request: number }
}
