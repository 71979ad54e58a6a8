import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Router } from '../router/index.ts'
import { accessLogEntry } from './access-log-entry.ts'
import type { ConnectionStats } from './connection-stats.ts'
import { answerHeaders, destination, redirect } from './destination.ts'
import { createForwardHooks } from './forward-hooks.ts'
import { plainPlan } from './forward-plan.ts'
import { UpstreamExchange } from './forward-upstream.ts'
import { MESSAGES, sendJsonError } from './gateway-response.ts'
import { writeAnswer } from './plugin-answer.ts'
import type { PluginHooks } from './plugin-hooks.ts'
import { runPluginPhases } from './plugin-phases.ts'
import { normalizeIp, type RealIp } from './real-ip.ts'
import type { RequestContext } from './request-context.ts'
import { newRequestId } from './request-id.ts'
import { parseTarget } from './request-target.ts'
import { RouteInput } from './route-input.ts'
import type { ProxyOptions } from './types.ts'
import type { UpstreamPools } from './upstream-pools.ts'
import { viaName, viaNamesNode } from './via-loop.ts'

export interface HandlerDeps {
  options: ProxyOptions
  router(): Router
  /** The plugin runtime's hooks of the current configuration, null when none. */
  plugins(): PluginHooks | null
  realIp: RealIp
  stats: ConnectionStats
  pools: UpstreamPools
  /** True once close() began: responses then ask clients to close their connection. */
  closing(): boolean
  /** Called after each request finished (close() uses it to end idle connections). */
  afterRequest(): void
}

function requestHasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined
}

/**
 * The `request` listener of the proxy server: route, forward, answer, log. A request that some
 * plugin has work for leaves this path right after routing (plugin-phases.ts); all others take
 * no plugin cost beyond one `begin` call.
 */
export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { options, stats, realIp, logger } = { ...deps, logger: deps.options.logger }
  const server = `isogate/${options.version}`
  const hooks = createForwardHooks({ server, stats, logger, closing: deps.closing })
  const via = viaName(options.nodeId, options.version)
  const settings = { server, via, maxBodySize: options.clientMaxBodySize }
  const phaseDeps = { server, logger, closing: deps.closing, stats, pools: deps.pools, hooks, settings }

  /** Gateway-made answer before any upstream attempt. */
  const reject = (ctx: RequestContext, status: number, message: string, close = false) => {
    sendJsonError(ctx.res, status, message, answerHeaders(server, ctx), close || deps.closing())
  }

  const finish = (ctx: RequestContext) => {
    ctx.upstream?.clientClosed()
    const bytes = stats.finishRequest(ctx.phase)
    const entry = accessLogEntry(ctx, options.nodeId, bytes, performance.now())
    options.accessLog.info(entry)
    ctx.plugin?.finished(entry)
    deps.afterRequest()
  }

  return function handleRequest(req, res) {
    const startedAt = performance.now()
    const socket = req.socket
    const hasBody = requestHasBody(req)
    const peer = normalizeIp(socket.remoteAddress)
    const trusted = realIp.isTrusted(peer)
    const ctx: RequestContext = {
      req,
      res,
      phase: stats.startRequest(socket, hasBody),
      requestId: newRequestId(),
      clientIp: trusted ? realIp.clientIp(peer, req.headers) : peer,
      trusted,
      startedAt,
      startedAtMs: Date.now(),
      host: '',
      port: socket.localPort ?? 0,
      path: '',
      rawQuery: '',
      match: null,
      routeId: null,
      serviceId: null,
      workspaceId: null,
      upstreamUri: null,
      tries: 0,
      attemptAt: null,
      upstreamDoneAt: null,
      upstream: null,
      plugin: null,
    }
    res.once('close', () => finish(ctx))
    try {
      if (req.rawHeaders.length > 2 * options.clientHeaderMaxCount)
        return reject(ctx, 431, MESSAGES[431], true)
      if (req.headers.host === undefined && req.httpVersionMinor === 1)
        return reject(ctx, 400, MESSAGES[400], true)
      // This node forwarded the request already: it came back through the node's public name.
      if (viaNamesNode(req.headers.via, via)) {
        logger.error({ request_id: ctx.requestId, via: req.headers.via }, 'request loop refused')
        return reject(ctx, 508, MESSAGES.loop)
      }
      const length = Number(req.headers['content-length'] ?? 0)
      if (options.clientMaxBodySize > 0 && length > options.clientMaxBodySize) {
        return reject(ctx, 413, MESSAGES[413], true)
      }
      const target = parseTarget(req.url ?? '/', req.headers.host)
      ctx.host = target.host
      ctx.path = target.path
      const match = deps
        .router()
        .match(new RouteInput(req, req.method ?? 'GET', target.host, ctx.port, target.path))
      ctx.match = match
      if (match !== null) {
        ctx.routeId = match.route.id
        ctx.workspaceId = match.route.ws_id
        ctx.serviceId = match.service?.id ?? null
      }
      const plugins = deps.plugins()
      if (plugins !== null) {
        ctx.rawQuery = target.search.slice(1)
        const pr = plugins.begin(ctx)
        if (pr !== null) return runPluginPhases(phaseDeps, ctx, pr, peer, hasBody)
      }
      const to = redirect(ctx, match) ?? destination(ctx, match, logger)
      if (to.kind === 'answer') return writeAnswer(res, to.answer, answerHeaders(server, ctx), deps.closing())
      const plan = plainPlan(ctx, to.match, to.service, target.search, peer, hasBody, settings)
      new UpstreamExchange(ctx, plan, deps.pools, hooks).start()
    } catch (err) {
      logger.error({ request_id: ctx.requestId, err }, 'unexpected error while proxying')
      if (!res.headersSent) reject(ctx, 500, MESSAGES[500], true)
      else res.destroy()
    }
  }
}
