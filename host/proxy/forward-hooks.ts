import type { ConnectionStats } from './connection-stats.ts'
import type { ForwardHooks } from './forward-upstream.ts'
import { sendJsonError } from './gateway-response.ts'
import { jsonAnswer, sendAnswer } from './plugin-answer.ts'
import { REQUEST_ID_HEADER } from './request-headers.ts'
import { downstreamHeaders, PROXY_LATENCY_HEADER, UPSTREAM_LATENCY_HEADER } from './response-headers.ts'
import type { ProxyLogger } from './types.ts'
import { failureResponse } from './upstream-errors.ts'

const ms = (from: number, to: number) => Math.max(0, Math.round(to - from))

/** What the exchange callbacks need from the proxy. */
export interface HookDeps {
  /** `isogate/<version>` */
  server: string
  stats: ConnectionStats
  logger: ProxyLogger
  closing(): boolean
}

/** The callbacks of every upstream exchange of one proxy: one object for all requests. */
export function createForwardHooks({ server, stats, logger, closing }: HookDeps): ForwardHooks {
  const via = `1.1 ${server}`
  return {
    bodyReceived(ctx) {
      stats.bodyReceived(ctx.phase)
    },

    responseHeaders(ctx, plan, upstream) {
      return downstreamHeaders(upstream, this.downstreamInfo(ctx, plan))
    },

    downstreamInfo(ctx, plan) {
      const attemptAt = ctx.attemptAt ?? ctx.startedAt
      return {
        via,
        server,
        requestId: ctx.requestId,
        upstreamLatency: ms(attemptAt, ctx.upstreamDoneAt ?? performance.now()),
        proxyLatency: ms(ctx.startedAt, attemptAt),
        trailers: plan.trailers,
        // An upstream that answers before reading the whole body leaves the rest unread: close.
        close: closing() || (plan.hasBody && !ctx.req.complete),
      }
    },

    // Kong's error page for a failed proxy attempt: still a proxied response, so proxy/upstream latencies.
    failed(ctx, plan, code, err) {
      const { status, message } = failureResponse(code)
      const egress = plan.target.egress
      if (egress !== undefined && (code === 'egress_denied' || code === 'egress_busy')) {
        // The plugin's failure, logged as the chain logs its others: one line, reason and target.
        logger.error(
          {
            workspace: egress.workspace,
            plugin: egress.plugin,
            phase: 'access',
            reason: code,
            target: `${egress.target.host}:${egress.target.port}`,
            request_id: ctx.requestId,
            detail: err.message,
          },
          'plugin failed',
        )
      } else if (status >= 500) {
        logger.error(
          {
            request_id: ctx.requestId,
            service_id: ctx.serviceId,
            upstream: plan.target.origin,
            upstream_uri: ctx.upstreamUri,
            tries: ctx.tries,
            code,
            error: err.message,
          },
          'upstream request failed',
        )
      }
      const attemptAt = ctx.attemptAt ?? ctx.startedAt
      const headers = [
        'server',
        server,
        REQUEST_ID_HEADER,
        ctx.requestId,
        PROXY_LATENCY_HEADER,
        String(ms(ctx.startedAt, attemptAt)),
        UPSTREAM_LATENCY_HEADER,
        String(ms(attemptAt, ctx.upstreamDoneAt ?? performance.now())),
      ]
      // An unread request body would desynchronise the connection (and 413 means we stopped reading).
      const close = status === 413 || (plan.hasBody && !ctx.req.complete) || closing()
      if (ctx.plugin !== null)
        void sendAnswer(ctx.plugin, jsonAnswer(status, message), 'error', headers, close)
      else sendJsonError(ctx.res, status, message, headers, close)
    },
  }
}
