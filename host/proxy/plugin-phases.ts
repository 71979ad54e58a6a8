import { BufferedResponse } from './buffered-response.ts'
import type { ConnectionStats } from './connection-stats.ts'
import { answerHeaders, destination, redirect } from './destination.ts'
import { FilteredResponse } from './filtered-response.ts'
import { changedPlan, type PlanSettings } from './forward-plan.ts'
import {
  type ForwardHooks,
  type ForwardPlan,
  type ResponseSink,
  UpstreamExchange,
} from './forward-upstream.ts'
import { sendAnswer } from './plugin-answer.ts'
import type { AccessOutcome, PluginRequest } from './plugin-hooks.ts'
import { PluginRun, type PluginRunDeps } from './plugin-run.ts'
import type { RequestContext } from './request-context.ts'
import type { UpstreamPools } from './upstream-pools.ts'

export interface PluginPhaseDeps extends PluginRunDeps {
  stats: ConnectionStats
  pools: UpstreamPools
  hooks: ForwardHooks
  settings: PlanSettings
}

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
  const fail = (err: unknown) => run.fail(err)
  try {
    const redirected = redirect(ctx, ctx.match)
    if (redirected !== null) {
      sendAnswer(run, redirected.answer, 'exit', answerHeaders(deps.server, ctx), false).catch(fail)
      return
    }
    const outcome = run.call('access', pr.access())
    if (outcome instanceof Promise)
      outcome.then((done) => afterAccess(deps, run, done, peer, hasBody)).catch(fail)
    else afterAccess(deps, run, outcome, peer, hasBody)
  } catch (err) {
    fail(err)
  }
}

/** The access phase's answer, or the request's destination: the upstream with the plugins' changes. */
function afterAccess(
  deps: PluginPhaseDeps,
  run: PluginRun,
  outcome: AccessOutcome,
  peer: string,
  hasBody: boolean,
): void {
  const { ctx } = run
  if (run.gone) return
  const fail = (err: unknown) => run.fail(err)
  // An exit leaves the client's body unread unless a plugin read it: close rather than drain it.
  const close = hasBody && !ctx.req.complete
  if (outcome.kind === 'answer') {
    const source = outcome.failure === null ? 'exit' : 'error'
    sendAnswer(run, outcome.answer, source, answerHeaders(deps.server, ctx), close).catch(fail)
    return
  }
  const to = destination(ctx, ctx.match, deps.logger)
  if (to.kind === 'answer') {
    sendAnswer(run, to.answer, to.source, answerHeaders(deps.server, ctx), close).catch(fail)
    return
  }
  const upstream = outcome.upstream
  // The runtime read the client's body (or a plugin replaced it): the gateway reads no more of it.
  if (upstream.body !== null) deps.stats.bodyReceived(ctx.phase)
  const plan = changedPlan(ctx, to.match, to.service, upstream, peer, hasBody, deps.settings)
  new UpstreamExchange(ctx, plan, deps.pools, deps.hooks, responseSink(run, plan, deps.hooks)).start()
}

/** Buffered for a `response` phase, filtered for header/body filters, else relayed as without plugins. */
function responseSink(run: PluginRun, plan: ForwardPlan, hooks: ForwardHooks): ResponseSink | null {
  const { pr } = run
  if (pr.buffered) return new BufferedResponse(run, plan, hooks)
  if (pr.hasHeaderFilter || pr.hasBodyFilter) return new FilteredResponse(run, plan, hooks)
  return null
}
