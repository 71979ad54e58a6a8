import { createServer } from 'node:http'
import type { Socket } from 'node:net'
import { DEFAULT_EGRESS_DENY } from '../config/index.ts'
import { EgressPolicy, EgressPools, EgressResolver } from '../egress/index.ts'
import type { Router } from '../router/index.ts'
import { createClientErrorHandler } from './client-errors.ts'
import { ConnectionStats } from './connection-stats.ts'
import { createRequestHandler } from './handle-request.ts'
import type { PluginHooks } from './plugin-hooks.ts'
import { createRealIp } from './real-ip.ts'
import type { GatewayProxy, ProxyOptions } from './types.ts'
import { UpstreamPools } from './upstream-pools.ts'

/** nginx's keepalive_timeout and client_header_timeout defaults. */
const CLIENT_KEEPALIVE_MS = 75_000
const CLIENT_HEADER_TIMEOUT_MS = 60_000
const DEFAULT_GRACE_MS = 10_000

/**
 * The proxy listener (SPEC §4): a node:http server, not listening yet, that routes each request
 * and forwards it through per-origin undici pools, answering errors as Kong does.
 */
export function createProxy(options: ProxyOptions): GatewayProxy {
  if (options.realIpHeader.toLowerCase() === 'proxy_protocol') {
    options.logger.warn({}, 'real_ip_header = proxy_protocol is not supported; the peer address is used')
  }
  const realIp = createRealIp(options.trustedIps, options.realIpHeader, options.realIpRecursive)
  const stats = new ConnectionStats()
  const egress = options.egress ?? defaultEgressPolicy()
  const egressPools = new EgressPools(
    egress,
    new EgressResolver(egress.settings.resolvers),
    options.upstreamKeepalivePoolSize,
  )
  const pools = new UpstreamPools(options.upstreamKeepalivePoolSize, egressPools)
  let router: Router = options.router
  let plugins: PluginHooks | null = options.plugins ?? null
  let closing = false
  let closed: Promise<void> | null = null

  // The handler answers a missing Host itself, with Kong's JSON body.
  const server = createServer({ maxHeaderSize: options.clientHeaderMaxSize, requireHostHeader: false })
  // One more than the limit, so the handler can tell "too many" from "exactly the limit".
  server.maxHeadersCount = options.clientHeaderMaxCount + 1
  server.keepAliveTimeout = CLIENT_KEEPALIVE_MS
  server.headersTimeout = CLIENT_HEADER_TIMEOUT_MS
  // Bodies stream for as long as they need; upstream timeouts bound the exchange instead.
  server.requestTimeout = 0
  // node:http checks headersTimeout only on a server that listens itself; the caller may feed it
  // sockets from other listeners instead. A socket inactivity timeout works either way: it ends
  // connections that are idle or still sending headers, never one with a request in progress.
  server.timeout = CLIENT_HEADER_TIMEOUT_MS
  server.on('timeout', (socket: Socket) => {
    if (!stats.busy(socket)) socket.destroy()
  })

  server.on('connection', (socket) => stats.onConnection(socket))
  server.on('clientError', createClientErrorHandler(stats, `isogate/${options.version}`))
  server.on(
    'request',
    createRequestHandler({
      options,
      router: () => router,
      plugins: () => plugins,
      realIp,
      stats,
      pools,
      closing: () => closing,
      afterRequest: () => {
        if (closing) stats.closeIdle()
      },
    }),
  )

  async function shutdown(graceMs: number): Promise<void> {
    closing = true
    if (server.listening) server.close()
    stats.closeIdle()
    const deadline = setTimeout(() => stats.destroyAll(), graceMs)
    await stats.whenNoConnections()
    clearTimeout(deadline)
    await pools.closeAll(graceMs)
  }

  return {
    server,
    setRouter(next) {
      router = next
    },
    setPlugins(next) {
      plugins = next
    },
    stats: () => stats.snapshot(),
    close(graceMs = DEFAULT_GRACE_MS) {
      closed ??= shutdown(graceMs)
      return closed
    },
  }
}

/** A proxy made without settings (tests, embedders) still refuses what the default list refuses. */
function defaultEgressPolicy(): EgressPolicy {
  return new EgressPolicy({ deny: DEFAULT_EGRESS_DENY.split(','), allow: [], resolvers: [] })
}
