import { BufferedResponse } from './buffered-response.ts'
import type { ConnectionStats } from './connection-stats.ts'
import { FilteredResponse } from './filtered-response.ts'
import { changedPlan, type PlanSettings } from './forward-plan.ts'
import {
  type ForwardHooks,
  type ForwardPlan,
  type ResponseSink,
  UpstreamExchange,
} from './forward-upstream.ts'
import { MESSAGES } from './gateway-response.ts'
import { httpsRedirect } from './https-redirect.ts'
import { jsonAnswer, sendAnswer } from './plugin-answer.ts'
import type { PluginRequest } from './plugin-hooks.ts'
import { PluginRun, type PluginRunDeps } from './plugin-run.ts'
import type { RequestContext } from './request-context.ts'
import { REQUEST_ID_HEADER } from './request-headers.ts'
import { RESPONSE_LATENCY_HEADER } from './response-headers.ts'
import type { UpstreamPools } from './upstream-pools.ts'

export interface PluginPhaseDeps extends PluginRunDeps {
  stats: ConnectionStats
  pools: UpstreamPools
  hooks: ForwardHooks
  settings: PlanSettings
}

const ms = (from: number, to: number) => Math.max(0, Math.round(to - from))

/**
 * Takes over a request that has plugin work (`pr`), at Kong's points: the https check, then
 * rewrite + access; then an exit answer, the 404 / no-Service answers, or the upstream request
 * with the plugins' changes, its response filtered or buffered. Every response goes through the
 * filters; `log` and `end` follow the access log line (see PluginRun).
 */
export function runPluginPhases(
  deps: PluginPhaseDeps,
  ctx: RequestContext,
  pr: PluginRequest,
  peer: string,
  hasBody: boolean,
): void {
  const run = new PluginRun(pr, ctx, deps)
  ctx.plugin = run
  void accessThenProxy(deps, run, peer, hasBody)
}

async function accessThenProxy(deps: PluginPhaseDeps, run: PluginRun, peer: string, hasBody: boolean) {
  const { ctx, pr } = run
  const match = ctx.match
  try {
    // Kong checks the protocol right after routing, before the access plugins.
    const redirect = match === null ? null : httpsRedirect(ctx, match)
    if (redirect !== null) return await sendAnswer(run, redirect, 'exit', answerHeaders(deps, ctx), false)

    const outcome = await run.call('access', pr.access())
    if (run.gone) return
    // An exit leaves the client's body unread unless a plugin read it: close rather than drain it.
    const close = hasBody && !ctx.req.complete
    if (outcome.kind === 'answer') {
      const source = outcome.failure === null ? 'exit' : 'error'
      return await sendAnswer(run, outcome.answer, source, answerHeaders(deps, ctx), close)
    }
    if (match === null) {
      return await sendAnswer(run, jsonAnswer(404, MESSAGES[404]), 'exit', answerHeaders(deps, ctx), close)
    }
    const service = match.service
    if (service === null) {
      return await sendAnswer(
        run,
        jsonAnswer(503, MESSAGES.noService),
        'exit',
        answerHeaders(deps, ctx),
        close,
      )
    }
    if (service.protocol !== 'http' && service.protocol !== 'https') {
      deps.logger.error(
        { request_id: ctx.requestId, service_id: service.id },
        `cannot proxy to a ${service.protocol} service`,
      )
      return await sendAnswer(run, jsonAnswer(500, MESSAGES[500]), 'error', answerHeaders(deps, ctx), close)
    }
    const upstream = outcome.upstream
    // The runtime read the client's body (or a plugin replaced it): the gateway reads no more of it.
    if (upstream.body !== null) deps.stats.bodyReceived(ctx.phase)
    const plan = changedPlan(ctx, match, service, upstream, peer, hasBody, deps.settings)
    new UpstreamExchange(ctx, plan, deps.pools, deps.hooks, responseSink(run, plan, deps.hooks)).start()
  } catch (err) {
    run.fail(err)
  }
}

/** Buffered for a `response` phase, filtered for header/body filters, else relayed as without plugins. */
function responseSink(run: PluginRun, plan: ForwardPlan, hooks: ForwardHooks): ResponseSink | null {
  const { pr } = run
  if (pr.buffered) return new BufferedResponse(run, plan, hooks)
  if (pr.hasHeaderFilter || pr.hasBodyFilter) return new FilteredResponse(run, plan, hooks)
  return null
}

/** The gateway's headers on its own answers (Kong's X-Kong-Response-Latency case). */
function answerHeaders(deps: PluginPhaseDeps, ctx: RequestContext): string[] {
  return [
    'server',
    deps.server,
    REQUEST_ID_HEADER,
    ctx.requestId,
    RESPONSE_LATENCY_HEADER,
    String(ms(ctx.startedAt, performance.now())),
  ]
}
