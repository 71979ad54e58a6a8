import { httpsRedirectStatus, type RouteMatch } from '../router/index.ts'
import { jsonAnswer } from './plugin-answer.ts'
import type { GatewayAnswer } from './plugin-hooks.ts'
import type { RequestContext } from './request-context.ts'

/**
 * Kong's answer for an https-only route reached over plain http: 426 with an Upgrade header, or
 * the route's redirect to the https URL (X-Forwarded-Proto/-Host count from trusted peers).
 * Null when the request may go on.
 */
export function httpsRedirect(ctx: RequestContext, match: RouteMatch): GatewayAnswer | null {
  const headers = ctx.req.headers
  const forwardedProto = (ctx.trusted && single(headers['x-forwarded-proto'])) || 'http'
  const status = httpsRedirectStatus(match.route, forwardedProto)
  if (status === null) return null
  if (status === 426) {
    return jsonAnswer(426, 'Please use HTTPS protocol', {
      connection: 'Upgrade',
      upgrade: 'TLS/1.2, HTTP/1.1',
    })
  }
  const host = (ctx.trusted && single(headers['x-forwarded-host'])) || ctx.host
  return { status, headers: { location: `https://${host}${ctx.req.url ?? '/'}` }, body: null }
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value
