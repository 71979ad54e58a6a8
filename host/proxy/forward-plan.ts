import type { Service } from '../entities/types.ts'
import type { RouteMatch } from '../router/types.ts'
import type { ForwardPlan } from './forward-upstream.ts'
import { wantsTrailers } from './hop-by-hop.ts'
import type { UpstreamChanges } from './plugin-hooks.ts'
import type { RequestContext } from './request-context.ts'
import { type Forwarding, rewrittenUpstreamHeaders, upstreamHeaders } from './request-headers.ts'
import { hostHeader, origin, serviceHostHeader, serviceOrigin } from './request-target.ts'

/** What every plan needs besides the request: the gateway's name and the body limit. */
export interface PlanSettings {
  /** `isogate/<version>` */
  server: string
  /** This node's name in the Via it sends upstream (via-loop.ts). */
  via: string
  /** client_max_body_size; 0 = unlimited. */
  maxBodySize: number
}

/** The upstream request of a routed request that no plugin changed. `search` is `?query` or ''. */
export function plainPlan(
  ctx: RequestContext,
  match: RouteMatch,
  service: Service,
  search: string,
  peer: string,
  hasBody: boolean,
  settings: PlanSettings,
): ForwardPlan {
  const { req } = ctx
  // Kong keeps a bare trailing `?` (its own fix over nginx's $is_args).
  const upstreamUri = match.upstreamPath + search
  ctx.upstreamUri = upstreamUri
  const upstreamHost = match.upstreamHost ?? serviceHostHeader(service)
  return {
    target: {
      origin: serviceOrigin(service),
      connectTimeout: service.connect_timeout,
      tlsVerify: service.tls_verify === true,
    },
    method: req.method ?? 'GET',
    path: upstreamUri,
    headers: upstreamHeaders(req, forwarding(ctx, match, peer, upstreamHost, settings.via), hasBody),
    hasBody,
    body: null,
    retries: service.retries,
    readTimeout: service.read_timeout,
    writeTimeout: service.write_timeout,
    maxBodySize: settings.maxBodySize,
    trailers: wantsTrailers(single(req.headers.te)),
  }
}

/**
 * The upstream request as plugins left it (`changes`), Kong's way: a Host header a plugin set
 * wins, else the client's with preserve_host, else the (possibly overridden) target's; a
 * replacement body is sent with its own length, otherwise the client's body streams as usual.
 */
export function changedPlan(
  ctx: RequestContext,
  match: RouteMatch,
  service: Service,
  changes: UpstreamChanges,
  peer: string,
  clientHasBody: boolean,
  settings: PlanSettings,
): ForwardPlan {
  const { req } = ctx
  const host = changes.target?.host ?? service.host
  const port = changes.target?.port ?? service.port
  const upstreamUri = changes.rawQuery === '' ? changes.path : `${changes.path}?${changes.rawQuery}`
  ctx.upstreamUri = upstreamUri
  const pluginHost = hostOf(changes.headers)
  const upstreamHost =
    pluginHost !== undefined && pluginHost !== req.headers.host
      ? pluginHost
      : (match.upstreamHost ?? hostHeader(service.protocol, host, port))
  const body = changes.body
  const contentLength =
    body !== null ? String(body.length) : clientHasBody ? (req.headers['content-length'] ?? null) : null
  const fwd = forwarding(ctx, match, peer, upstreamHost, settings.via)
  const timeouts = changes.timeouts
  const connectTimeout = timeouts?.connect ?? service.connect_timeout
  const tlsVerify = service.tls_verify === true
  const set = changes.target
  return {
    target: {
      origin: origin(service.protocol, host, port),
      connectTimeout,
      tlsVerify,
      // A plugin's target goes through the egress dispatcher: checked, per workspace, never pooled with services'.
      ...(set !== null
        ? {
            egress: {
              target: {
                workspace: set.workspace,
                host,
                port,
                protocol: service.protocol === 'https' ? ('https' as const) : ('http' as const),
                connectTimeout,
                tlsVerify,
              },
              workspace: set.workspace,
              plugin: set.plugin,
            },
          }
        : {}),
    },
    method: changes.method,
    path: upstreamUri,
    headers: rewrittenUpstreamHeaders(changes.headers, req, fwd, contentLength),
    hasBody: body !== null || clientHasBody,
    body,
    retries: changes.retries ?? service.retries,
    readTimeout: timeouts?.read ?? service.read_timeout,
    writeTimeout: timeouts?.write ?? service.write_timeout,
    maxBodySize: settings.maxBodySize,
    trailers: wantsTrailers(single(req.headers.te)),
  }
}

function forwarding(
  ctx: RequestContext,
  match: RouteMatch,
  peer: string,
  upstreamHost: string,
  via: string,
): Forwarding {
  return {
    peer,
    clientIp: ctx.clientIp,
    trusted: ctx.trusted,
    scheme: 'http',
    host: ctx.host,
    port: ctx.port,
    path: ctx.path,
    strippedPrefix: match.prefix === '/' ? null : match.prefix,
    upstreamHost,
    requestId: ctx.requestId,
    via: `${ctx.req.httpVersion} ${via}`,
  }
}

/** The first Host value of a header record, whatever the name's case. */
function hostOf(headers: Record<string, string | string[]>): string | undefined {
  for (const name in headers) {
    if (name.toLowerCase() === 'host') return single(headers[name])
  }
  return undefined
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value
