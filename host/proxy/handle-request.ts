import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Service } from '../entities/types.ts'
import { httpsRedirectStatus, type RouteMatch, type Router } from '../router/index.ts'
import { accessLogEntry } from './access-log-entry.ts'
import type { ConnectionStats } from './connection-stats.ts'
import { createForwardHooks } from './forward-hooks.ts'
import { type ForwardPlan, UpstreamExchange } from './forward-upstream.ts'
import { MESSAGES, sendJsonError } from './gateway-response.ts'
import { wantsTrailers } from './hop-by-hop.ts'
import { normalizeIp, type RealIp } from './real-ip.ts'
import type { RequestContext } from './request-context.ts'
import { REQUEST_ID_HEADER, upstreamHeaders } from './request-headers.ts'
import { newRequestId } from './request-id.ts'
import { parseTarget, type RequestTarget, serviceHostHeader, serviceOrigin } from './request-target.ts'
import { RESPONSE_LATENCY_HEADER } from './response-headers.ts'
import type { ProxyOptions } from './types.ts'
import type { UpstreamPools } from './upstream-pools.ts'

export interface HandlerDeps {
  options: ProxyOptions
  router(): Router
  realIp: RealIp
  stats: ConnectionStats
  pools: UpstreamPools
  /** True once close() began: responses then ask clients to close their connection. */
  closing(): boolean
  /** Called after each request finished (close() uses it to end idle connections). */
  afterRequest(): void
}

const ms = (from: number, to: number) => Math.max(0, Math.round(to - from))

function requestHasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined
}

/** The `request` listener of the proxy server: route, forward, answer, log. */
export function createRequestHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { options, stats, realIp, logger } = { ...deps, logger: deps.options.logger }
  const server = `isogate/${options.version}`
  const hooks = createForwardHooks({ server, stats, logger, closing: deps.closing })

  /** Gateway-made answer before any upstream attempt (Kong's X-Kong-Response-Latency case). */
  const reject = (
    ctx: RequestContext,
    status: number,
    message: string,
    close = false,
    extra: string[] = [],
  ) => {
    const headers = [
      ...extra,
      'server',
      server,
      REQUEST_ID_HEADER,
      ctx.requestId,
      RESPONSE_LATENCY_HEADER,
      String(ms(ctx.startedAt, performance.now())),
    ]
    sendJsonError(ctx.res, status, message, headers, close || deps.closing())
  }

  const finish = (ctx: RequestContext) => {
    ctx.upstream?.clientClosed()
    const bytes = stats.finishRequest(ctx.phase)
    options.accessLog.info(accessLogEntry(ctx, options.nodeId, bytes, performance.now()))
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
      startedAt,
      startedAtMs: Date.now(),
      routeId: null,
      serviceId: null,
      workspaceId: null,
      upstreamUri: null,
      tries: 0,
      attemptAt: null,
      upstreamDoneAt: null,
      upstream: null,
    }
    res.once('close', () => finish(ctx))
    try {
      if (req.rawHeaders.length > 2 * options.clientHeaderMaxCount)
        return reject(ctx, 431, MESSAGES[431], true)
      if (req.headers.host === undefined && req.httpVersionMinor === 1)
        return reject(ctx, 400, MESSAGES[400], true)
      const length = Number(req.headers['content-length'] ?? 0)
      if (options.clientMaxBodySize > 0 && length > options.clientMaxBodySize) {
        return reject(ctx, 413, MESSAGES[413], true)
      }
      const target = parseTarget(req.url ?? '/', req.headers.host)
      const match = deps.router().match({
        method: req.method ?? 'GET',
        host: target.host,
        port: socket.localPort ?? 0,
        path: target.path,
        headers: req.headersDistinct,
        scheme: 'http',
      })
      if (match === null) return reject(ctx, 404, MESSAGES[404])
      ctx.routeId = match.route.id
      ctx.workspaceId = match.route.ws_id
      const service = match.service
      if (service === null) return reject(ctx, 503, MESSAGES.noService)
      ctx.serviceId = service.id
      const forwardedProto = (trusted && single(req.headers['x-forwarded-proto'])) || 'http'
      const redirect = httpsRedirectStatus(match.route, forwardedProto)
      if (redirect !== null) return redirectToHttps(ctx, redirect, target, trusted)
      if (service.protocol !== 'http' && service.protocol !== 'https') {
        logger.error(
          { request_id: ctx.requestId, service_id: service.id },
          `cannot proxy to a ${service.protocol} service`,
        )
        return reject(ctx, 500, MESSAGES[500])
      }
      forward(ctx, match, service, target, peer, trusted, hasBody)
    } catch (err) {
      logger.error({ request_id: ctx.requestId, err }, 'unexpected error while proxying')
      if (!res.headersSent) reject(ctx, 500, MESSAGES[500], true)
      else res.destroy()
    }
  }

  function redirectToHttps(ctx: RequestContext, status: number, target: RequestTarget, trusted: boolean) {
    if (status === 426) {
      const upgrade = ['connection', 'Upgrade', 'upgrade', 'TLS/1.2, HTTP/1.1']
      return reject(ctx, 426, 'Please use HTTPS protocol', false, upgrade)
    }
    const host = (trusted && single(ctx.req.headers['x-forwarded-host'])) || target.host
    ctx.res.writeHead(status, {
      location: `https://${host}${ctx.req.url ?? '/'}`,
      server,
      [REQUEST_ID_HEADER]: ctx.requestId,
      [RESPONSE_LATENCY_HEADER]: String(ms(ctx.startedAt, performance.now())),
      'content-length': '0',
    })
    ctx.res.end()
  }

  function forward(
    ctx: RequestContext,
    match: RouteMatch,
    service: Service,
    target: RequestTarget,
    peer: string,
    trusted: boolean,
    hasBody: boolean,
  ) {
    const { req } = ctx
    // Kong keeps a bare trailing `?` (its own fix over nginx's $is_args).
    const upstreamUri = match.upstreamPath + target.search
    ctx.upstreamUri = upstreamUri
    const headers = upstreamHeaders(
      req,
      {
        peer,
        clientIp: ctx.clientIp,
        trusted,
        scheme: 'http',
        host: target.host,
        port: req.socket.localPort ?? 0,
        path: target.path,
        strippedPrefix: match.prefix === '/' ? null : match.prefix,
        upstreamHost: match.upstreamHost ?? serviceHostHeader(service),
        requestId: ctx.requestId,
        via: `${req.httpVersion} ${server}`,
      },
      hasBody,
    )
    const plan: ForwardPlan = {
      target: {
        origin: serviceOrigin(service),
        connectTimeout: service.connect_timeout,
        tlsVerify: service.tls_verify === true,
      },
      method: req.method ?? 'GET',
      path: upstreamUri,
      headers,
      hasBody,
      retries: service.retries,
      readTimeout: service.read_timeout,
      writeTimeout: service.write_timeout,
      maxBodySize: options.clientMaxBodySize,
      trailers: wantsTrailers(single(req.headers.te)),
    }
    new UpstreamExchange(ctx, plan, deps.pools, hooks).start()
  }
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value
