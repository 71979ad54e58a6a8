import type { RequestContext } from './request-context.ts'
import type { AccessLogEntry } from './types.ts'

const ms = (from: number, to: number) => Math.max(0, Math.round(to - from))

/** nginx's code for "the client closed the connection before the response was sent". */
const CLIENT_CLOSED = 499

/** The access log line of a finished request (`now`: performance.now() at the end). */
export function accessLogEntry(
  ctx: RequestContext,
  nodeId: string,
  bytes: { received: number; sent: number },
  now: number,
): AccessLogEntry {
  const { req, res } = ctx
  const attemptAt = ctx.attemptAt
  return {
    request_id: ctx.requestId,
    node_id: nodeId,
    started_at: ctx.startedAtMs,
    client_ip: ctx.clientIp,
    method: req.method ?? '',
    uri: req.url ?? '',
    upstream_uri: ctx.upstreamUri,
    status: !res.headersSent ? CLIENT_CLOSED : res.statusCode,
    bytes_received: bytes.received,
    bytes_sent: bytes.sent,
    route_id: ctx.routeId,
    service_id: ctx.serviceId,
    workspace_id: ctx.workspaceId,
    tries: ctx.tries,
    latencies: {
      proxy: attemptAt === null ? null : ms(ctx.startedAt, attemptAt),
      upstream: attemptAt === null || ctx.upstreamDoneAt === null ? null : ms(attemptAt, ctx.upstreamDoneAt),
      request: ms(ctx.startedAt, now),
    },
  }
}
