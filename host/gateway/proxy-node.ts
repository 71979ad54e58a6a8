import { createServer, type Server } from 'node:net'
import { hostname } from 'node:os'
import { BRIDGE_LIMITS, type IsolateFactory } from '../../runtime/isolate/index.ts'
import {
  BUILD_SAMPLES,
  type PluginQuarantine,
  TimingRing,
  type TimingStats,
  WorkerPlugins,
} from '../chain/index.ts'
import type { Config, ListenAddress } from '../config/index.ts'
import type { WorkerData } from '../data/index.ts'
import { addOwnListener, EgressPolicy, removeOwnListener } from '../egress/index.ts'
import type { ConfigSnapshot } from '../entities/types.ts'
import { createAccessLogger, type Logger } from '../log/index.ts'
import type { PluginCatalog } from '../plugins/index.ts'
import { createProxy, type ProxyStats } from '../proxy/index.ts'
import { buildRouter } from '../router/index.ts'
import { lingerOnEarlyClose } from './lingering-close.ts'
import { listenError } from './listen-check.ts'
import { processWatchdog } from './process-watchdog.ts'
import { VERSION } from './version.ts'

/** plugin_egress_deny/_allow and dns_resolver, for the proxy's egress dispatcher and the isolates. */
function egressPolicy(config: Config): EgressPolicy {
  return new EgressPolicy({
    deny: config.plugin_egress_deny,
    allow: config.plugin_egress_allow,
    resolvers: config.dns_resolver,
  })
}

/** The plugin runtime of this worker, with one crossing watchdog for the process. */
function workerPlugins(
  config: Config,
  logger: Logger,
  nodeId: string,
  catalog: PluginCatalog,
  data: WorkerData | undefined,
  createIsolate: IsolateFactory | undefined,
  quarantine: PluginQuarantine | undefined,
): WorkerPlugins {
  return new WorkerPlugins(catalog, {
    isolation: config.isolation,
    memoryMb: config.isolate_memory_mb,
    cpuMs: config.plugin_cpu_ms,
    wallMs: config.plugin_wall_ms,
    workspaceQueueMs: config.workspace_queue_ms,
    node: { id: nodeId, hostname: hostname(), version: VERSION },
    trustedIps: [...config.trusted_ips],
    egress: egressPolicy(config),
    maxBodyBytes: config.client_max_body_size || BRIDGE_LIMITS.bodyChars,
    logger,
    watchdog: processWatchdog(),
    timings: new TimingRing(),
    builds: new TimingRing(BUILD_SAMPLES),
    ...(data ? { data } : {}),
    ...(createIsolate ? { createIsolate } : {}),
    ...(quarantine ? { quarantine } : {}),
  })
}

/** One worker's plugin runtime timings, µs: each phase call, and each isolate build (create, compile, init). */
export interface PluginTimings {
  phaseCalls: TimingStats
  isolateBuilds: TimingStats
}

/** The proxy side of one worker: turns snapshots into a router and serves proxy_listen. */
export interface ProxyNode {
  /**
   * Builds the router and plugin chains for `snapshot` and swaps them in (the next request uses
   * them); resolves once the isolates the snapshot needs are built, before the worker acknowledges.
   */
  apply(snapshot: ConfigSnapshot): Promise<void>
  /** Starts listening (after the first apply) and returns the bound addresses. */
  listen(): Promise<ListenAddress[]>
  stats(): ProxyStats
  /** Wall times of this worker's plugin phase calls and isolate builds; null without a plugin runtime. */
  pluginTimings(): PluginTimings | null
  close(graceMs: number): Promise<void>
}

/**
 * `createIsolate` replaces createPluginIsolate (only the bench's in-process baseline passes one);
 * `quarantine` is the worker's view of the node's plugin quarantines (StrikeBoard).
 */
export function createProxyNode(
  config: Config,
  logger: Logger,
  nodeId: string,
  catalog: PluginCatalog,
  data?: WorkerData,
  createIsolate?: IsolateFactory,
  quarantine?: PluginQuarantine,
): ProxyNode {
  const accessLog = createAccessLogger(config)
  const plugins =
    catalog.plugins.length > 0
      ? workerPlugins(config, logger, nodeId, catalog, data, createIsolate, quarantine)
      : null
  const proxy = createProxy({
    router: buildRouter([], []),
    trustedIps: [...config.trusted_ips],
    realIpHeader: config.real_ip_header,
    realIpRecursive: config.real_ip_recursive,
    clientMaxBodySize: config.client_max_body_size,
    clientHeaderMaxSize: config.client_header_max_size,
    clientHeaderMaxCount: config.client_header_max_count,
    upstreamKeepalivePoolSize: config.upstream_keepalive_pool_size,
    nodeId,
    version: VERSION,
    logger,
    egress: egressPolicy(config),
    ...(plugins ? { plugins } : {}),
    accessLog: {
      info: (entry) => accessLog.write(entry as Record<string, unknown>),
      warn: (entry) => accessLog.write(entry as Record<string, unknown>),
      error: (entry) => accessLog.write(entry as Record<string, unknown>),
    },
  })
  // A 413 (client_max_body_size) closes the connection: a client still sending gets the answer.
  const endLingering = lingerOnEarlyClose(proxy.server)
  // One http.Server, fed by one net.Server per address: node:http cannot listen twice.
  const listeners: Server[] = []
  // The supervisor's listeners, as configured: a worker process never binds them itself.
  for (const address of [...config.admin_listen, ...config.status_listen]) addOwnListener(address.port)

  return {
    async apply(snapshot) {
      const router = buildRouter(snapshot.routes, snapshot.services)
      // As Kong does on a rebuild: a route that cannot be routed is reported, the others still work.
      for (const skipped of router.skipped) {
        logger.warn({ route: skipped.routeId, reason: skipped.reason }, 'route left out of the router')
      }
      // Chains first: a request routed by the new router must find its plugins in the new chains.
      const warmed = plugins?.apply(snapshot)
      proxy.setRouter(router)
      await warmed
    },
    async listen() {
      const bound: ListenAddress[] = []
      for (const address of config.proxy_listen) {
        const listener = createServer((socket) => proxy.server.emit('connection', socket))
        await new Promise<void>((resolve, reject) => {
          listener.once('error', (error) => reject(listenError('proxy_listen', address, error) ?? error))
          listener.listen(address.port, address.host, () => resolve())
        })
        listeners.push(listener)
        const info = listener.address()
        bound.push({ host: address.host, port: typeof info === 'object' && info ? info.port : address.port })
        addOwnListener(bound[bound.length - 1]!.port, true)
      }
      return bound
    },
    stats: () => proxy.stats(),
    pluginTimings() {
      const { timings, builds } = plugins?.options ?? {}
      if (!timings || !builds) return null
      return { phaseCalls: timings.summary(), isolateBuilds: builds.summary() }
    },
    async close(graceMs) {
      // Stop accepting first; a listener's close callback waits for its connections, which the
      // proxy drains, so it is awaited after.
      const unbound = listeners.map((l) => {
        const info = l.address()
        if (typeof info === 'object' && info) removeOwnListener(info.port)
        return new Promise<void>((resolve) => l.close(() => resolve()))
      })
      await proxy.close(graceMs)
      endLingering()
      plugins?.dispose()
      await Promise.all(unbound)
      await accessLog.close()
    },
  }
}
