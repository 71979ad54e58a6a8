import type { Service } from '../entities/index.ts'
import type { RouteMatch } from '../router/index.ts'
import { MESSAGES } from './gateway-response.ts'
import { httpsRedirect } from './https-redirect.ts'
import { jsonAnswer } from './plugin-answer.ts'
import type { GatewayAnswer } from './plugin-hooks.ts'
import type { RequestContext } from './request-context.ts'
import { REQUEST_ID_HEADER } from './request-headers.ts'
import { RESPONSE_LATENCY_HEADER } from './response-headers.ts'
import type { ProxyLogger } from './types.ts'

/** Where a request goes once routed (and, with plugins, past access): its service, or the gateway's answer. */
export type Destination = { kind: 'service'; match: RouteMatch; service: Service } | GatewayMade

interface GatewayMade {
  kind: 'answer'
  answer: GatewayAnswer
  source: 'exit' | 'error'
}

/** Kong's https check, right after routing and before any plugin: the 426 or redirect answer, else null. */
export function redirect(ctx: RequestContext, match: RouteMatch | null): GatewayMade | null {
  const answer = match === null ? null : httpsRedirect(ctx, match)
  return answer === null ? null : { kind: 'answer', answer, source: 'exit' }
}

/**
 * The decision both proxy paths make after `redirect` (and the plugins' access phase): no route
 * (404), a route without a service (503), a service the proxy cannot speak (500, logged), else the
 * service.
 */
export function destination(ctx: RequestContext, match: RouteMatch | null, logger: ProxyLogger): Destination {
  if (match === null) return { kind: 'answer', answer: jsonAnswer(404, MESSAGES[404]), source: 'exit' }
  const service = match.service
  if (service === null) return { kind: 'answer', answer: jsonAnswer(503, MESSAGES.noService), source: 'exit' }
  if (service.protocol !== 'http' && service.protocol !== 'https') {
    logger.error(
      { request_id: ctx.requestId, service_id: service.id },
      `cannot proxy to a ${service.protocol} service`,
    )
    return { kind: 'answer', answer: jsonAnswer(500, MESSAGES[500]), source: 'error' }
  }
  return { kind: 'service', match, service }
}

const ms = (from: number, to: number) => Math.max(0, Math.round(to - from))

/** The gateway's headers on its own answers (Kong's X-Kong-Response-Latency case), as a flat list. */
export function answerHeaders(server: string, ctx: RequestContext): string[] {
  return [
    'server',
    server,
    REQUEST_ID_HEADER,
    ctx.requestId,
    RESPONSE_LATENCY_HEADER,
    String(ms(ctx.startedAt, performance.now())),
  ]
}
