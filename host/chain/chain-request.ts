import type { PhaseName, RequestState } from '../../runtime/protocol.ts'
import {
  type ChainEntry,
  type Chains,
  entriesFor,
  type RouteChain,
  reselectInstances,
} from '../plugins/index.ts'
import {
  type AccessOutcome,
  andThen,
  type FilteredHead,
  type GatewayAnswer,
  type LogFacts,
  type PluginRequest,
  type PluginRequestInfo,
  type UpstreamChanges,
} from '../proxy/index.ts'
import type { PhasePlan, PlanGroup } from './call-plan.ts'
import type { ChainRuntime } from './chain-runtime.ts'
import { errorAnswer, withPending } from './gateway-answers.ts'
import type { PhaseFailure } from './phase-call.ts'
import type { ChainFlags } from './phase-needs.ts'
import { RequestCalls, type Step } from './request-calls.ts'
import { RequestIo } from './request-io.ts'
import { RequestModel } from './request-model.ts'
import { requestState } from './request-state.ts'
import { requestText } from './request-text.ts'

/**
 * One request's plugin work (host side): which instances run in each phase, the calls into their
 * isolates (one per plugin, or one per workspace run), the request model their results shape.
 */
export class ChainRequest implements PluginRequest {
  readonly buffered: boolean
  readonly hasBodyFilter: boolean
  /** Some configuration of the chain needs `log` (else the proxy builds no log facts). */
  readonly hasLog: boolean
  private readonly headerFilters: boolean
  private readonly model: RequestModel
  private selected: readonly ChainEntry[]
  private accessRan = false
  private readonly io: RequestIo
  private readonly calls: RequestCalls
  private logging: Promise<void> | null = null
  private ended = false

  constructor(
    private readonly runtime: ChainRuntime,
    private readonly info: PluginRequestInfo,
    private readonly chains: Chains,
    private readonly chain: RouteChain,
    flags: ChainFlags,
  ) {
    this.buffered = flags.buffered
    this.headerFilters = flags.headerFilter
    this.hasBodyFilter = flags.bodyFilter
    this.hasLog = flags.log
    this.selected = chain.base.http
    const state = requestState(info, runtime.workspace(chain.wsId))
    this.model = new RequestModel(state, () => requestText(state, info.req.rawHeaders))
    this.io = new RequestIo(runtime, info.req, this.model, chain.wsId)
    this.calls = new RequestCalls(runtime, chain.wsId, this.model, this.io)
  }

  /** Also when an earlier phase set response headers or status: they are applied in headerFilter. */
  get hasHeaderFilter(): boolean {
    const pending = this.model.pendingResponse
    return (
      this.headerFilters ||
      pending.status !== null ||
      pending.cleared.size > 0 ||
      Object.keys(pending.headers).length > 0
    )
  }

  access(): AccessOutcome | Promise<AccessOutcome> {
    try {
      const rewrite = this.plan(this.chain.globals.http, 'rewrite')
      return andThen(this.runPhase('rewrite', rewrite.groups), (failure) => this.afterRewrite(failure))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  response(
    status: number,
    headers: Record<string, string | string[]>,
    body: Buffer,
  ): GatewayAnswer | Promise<GatewayAnswer> {
    const { model } = this
    this.io.serviceBody = body
    model.state.serviceResponse = { status, headers: { ...headers }, body: body.toString('utf8') }
    const sent = { status, headers: { ...headers }, source: 'service' as const }
    model.state.response = sent
    withPending(model)
    model.chunk = null
    try {
      return andThen(this.runPhase('response', this.groups('response')), (failure) => {
        if (failure !== null || model.exit !== null) {
          // The answer is no longer the service's: the log phase's getSource says so (Kong's KONG_EXITED).
          const source = failure !== null ? 'error' : 'exit'
          model.state.response = { ...(model.state.response ?? sent), source }
        }
        if (failure !== null) return errorAnswer(failure.status, failure.retryAfter)
        if (model.exit !== null) return { ...model.exit }
        const response = model.state.response ?? sent
        return { status: response.status, headers: response.headers, body: model.chunk ?? body }
      })
    } catch (error) {
      return Promise.reject(error)
    }
  }

  headerFilter(
    status: number,
    headers: Record<string, string | string[]>,
    source: 'service' | 'exit' | 'error',
  ): FilteredHead | Promise<FilteredHead> {
    const { model } = this
    // kong.service.response: the upstream's answer as it came, whatever plugins do to the response
    if (source === 'service' && model.state.serviceResponse === null) {
      model.state.serviceResponse = { status, headers: { ...headers }, body: null }
    }
    const sent = { status, headers: { ...headers }, source }
    model.state.response = sent
    withPending(model)
    // Failures here are contained: logged, and the response goes on (Kong's header_filter rule).
    try {
      return andThen(this.runPhase('headerFilter', this.groups('headerFilter')), () => {
        const response = model.state.response ?? sent
        return { status: response.status, headers: response.headers }
      })
    } catch (error) {
      return Promise.reject(error)
    }
  }

  bodyFilter(chunk: Buffer, eof: boolean): Buffer | Promise<Buffer> {
    // One plugin per crossing (the plan's groups): each filter sees the chunk the previous one produced.
    try {
      return this.filterFrom(this.groups('bodyFilter'), 0, chunk, eof)
    } catch (error) {
      return Promise.reject(error)
    }
  }

  log(facts: LogFacts): void {
    const groups = this.groups('log')
    if (groups.length === 0) return
    // The log phase reads what was sent (kong.response.getStatus, kong.log.serialize), as in Kong.
    const { state } = this.model
    const source = state.response?.source ?? (this.model.exit !== null ? 'exit' : 'service')
    state.response = { status: facts.status, headers: facts.headers, source }
    const upstream = facts.latencies.upstream ?? 0
    state.logInfo = {
      requestSize: facts.bytesReceived,
      responseSize: facts.bytesSent,
      latencies: {
        kong: Math.max(0, facts.latencies.request - upstream),
        proxy: upstream,
        request: facts.latencies.request,
      },
    }
    const failed = (error: unknown) => this.runtime.options.logger.error({ err: error }, 'log phase failed')
    try {
      const step = this.runPhase('log', groups)
      // Only a log phase still waiting for host I/O holds the isolates past `end`.
      if (step instanceof Promise) this.logging = step.then(() => undefined, failed)
    } catch (error) {
      failed(error)
    }
  }

  end(): void {
    if (this.ended) return
    this.ended = true
    if (this.logging === null) this.calls.release()
    else void this.logging.finally(() => this.calls.release())
  }

  private afterRewrite(failure: PhaseFailure | null): AccessOutcome | Promise<AccessOutcome> {
    if (failure !== null || this.model.exit !== null || this.info.match === null) return this.outcome(failure)
    this.accessRan = true
    return andThen(this.runAccess(), (after) => this.outcome(after))
  }

  private outcome(failure: PhaseFailure | null): AccessOutcome {
    const { model } = this
    if (failure !== null) {
      const answer = errorAnswer(failure.status, failure.retryAfter)
      return { kind: 'answer', answer, failure: { status: failure.status } }
    }
    if (model.exit !== null) {
      const { status, headers, body } = model.exit
      return { kind: 'answer', answer: { status, headers, body }, failure: null }
    }
    return { kind: 'proxy', upstream: this.upstreamChanges() }
  }

  /** The plan of a selection for this request's workspace. */
  private plan(selection: readonly ChainEntry[], phase: PhaseName): PhasePlan {
    return this.runtime.plan(selection, this.chain.wsId, phase)
  }

  /** The groups of a phase after access: the access selection's, or the globals' when access never ran. */
  private groups(phase: PhaseName): readonly PlanGroup[] {
    return this.plan(this.accessRan ? this.selected : this.chain.globals.http, phase).groups
  }

  /** The chunk through the bodyFilter crossings from `from` on, each given what the one before made. */
  private filterFrom(
    groups: readonly PlanGroup[],
    from: number,
    current: Buffer,
    eof: boolean,
  ): Buffer | Promise<Buffer> {
    for (let i = from; i < groups.length; i++) {
      this.model.chunk = null
      const chunk = { data: current.toString('base64'), eof }
      const step = this.calls.run('bodyFilter', groups[i] as PlanGroup, chunk)
      if (step instanceof Promise) {
        return step.then(() => this.filterFrom(groups, i + 1, this.model.chunk ?? current, eof))
      }
      if (this.model.chunk !== null) current = this.model.chunk
    }
    return current
  }

  /**
   * Access, plugin after plugin in run order; after a plugin authenticated a consumer, the plugins
   * after it are selected again for that consumer (Kong's consumer-scoped instances).
   */
  private runAccess(): Step {
    if (!this.chain.consumerScoped) return this.runPhase('access', this.plan(this.selected, 'access').groups)
    return this.runScoped(new Set())
  }

  /** Access in a chain with consumer-scoped instances: one entry per crossing, the rest chosen again after each. */
  private runScoped(done: Set<string>): Step {
    for (;;) {
      const pending = entriesFor(this.selected, 'access', this.runtime.phases).filter(
        (entry) => !done.has(entry.plugin.name),
      )
      const entry = pending[0]
      if (entry === undefined) return null
      const consumerBefore = this.model.state.consumer
      const step = this.calls.run('access', this.runtime.single(this.chain.wsId, entry))
      done.add(entry.plugin.name)
      if (step instanceof Promise) {
        return step.then(
          (failure) => this.afterScoped(failure, entry, consumerBefore) ?? this.runScoped(done),
        )
      }
      const end = this.afterScoped(step, entry, consumerBefore)
      if (end !== undefined) return end
    }
  }

  /** After one scoped access call: the phase's end (a failure, null at an exit), or undefined to go on. */
  private afterScoped(
    failure: PhaseFailure | null,
    entry: ChainEntry,
    consumerBefore: RequestState['consumer'],
  ): PhaseFailure | null | undefined {
    if (failure !== null || this.model.exit !== null) return failure
    const consumer = this.model.state.consumer
    if (consumer !== consumerBefore) {
      const id = typeof consumer?.id === 'string' ? consumer.id : null
      this.selected = reselectInstances(
        this.chains,
        this.chain.routeId,
        this.selected,
        entry.plugin.name,
        id,
        'http',
      )
    }
    return undefined
  }

  /**
   * Runs a phase's groups (one crossing per plugin, or per workspace run in `isolation =
   * workspace`) without a promise while every crossing answers at once.
   */
  private runPhase(phase: PhaseName, groups: readonly PlanGroup[], from = 0): Step {
    for (let i = from; i < groups.length; i++) {
      const step = this.calls.run(phase, groups[i] as PlanGroup)
      if (step instanceof Promise) {
        return step.then((failure) =>
          this.phaseEnds(phase, failure) ? failure : this.runPhase(phase, groups, i + 1),
        )
      }
      if (this.phaseEnds(phase, step)) return step
    }
    return null
  }

  /** A failure ends a phase; so does an exit in rewrite or access (the phase then answers null). */
  private phaseEnds(phase: PhaseName, failure: PhaseFailure | null): boolean {
    return failure !== null || (this.model.exit !== null && (phase === 'rewrite' || phase === 'access'))
  }

  private upstreamChanges(): UpstreamChanges {
    const { state } = this.model
    return {
      method: state.upstream.method,
      path: state.upstream.path,
      rawQuery: state.upstream.rawQuery,
      headers: state.headers,
      body: this.model.upstreamBody,
      target: this.model.target,
      retries: this.model.retries,
      timeouts: this.model.timeouts,
    }
  }
}
