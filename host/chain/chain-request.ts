import type { IoRequest, PhaseName } from '../../runtime/protocol.ts'
import { DbCallCounter } from '../data/index.ts'
import {
  type ChainEntry,
  type Chains,
  entriesFor,
  type RouteChain,
  reselectInstances,
} from '../plugins/index.ts'
import type {
  AccessOutcome,
  GatewayAnswer,
  LogFacts,
  PluginRequest,
  PluginRequestInfo,
  UpstreamChanges,
} from '../proxy/index.ts'
import { performCache } from './cache-io.ts'
import type { ChainRuntime } from './chain-runtime.ts'
import { configureFailure } from './configure-failure.ts'
import { performCrypto } from './crypto-io.ts'
import { errorAnswer, withPending } from './gateway-answers.ts'
import { callIsolate, type IsolateSession, type PhaseFailure } from './phase-call.ts'
import type { ChainFlags } from './phase-needs.ts'
import { holdBack } from './quarantine.ts'
import { RequestModel } from './request-model.ts'
import { requestState } from './request-state.ts'
import { requestText } from './request-text.ts'
import { isQueueRefused } from './scheduler/index.ts'

/** Phases whose failure still chooses the answer: a call there may be refused for a busy worker. */
const ANSWERABLE = new Set<PhaseName>(['rewrite', 'access', 'response'])

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
  private readonly sessions = new Map<string, IsolateSession>()
  private body: Promise<Buffer> | null = null
  private serviceBody: Buffer | null = null
  private logging: Promise<void> | null = null
  /** Plugins a limit stopped in this request: their budget is spent, their later phases are skipped. */
  private readonly stopped = new Set<string>()
  /** kong.db calls per plugin in this request (DB_LIMITS.callsPerRequest). */
  private readonly dbCalls = new DbCallCounter()
  /** The workspace scheduler refused a call: the request answers 503 and runs no more plugin code. */
  private shed = false
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

  async access(): Promise<AccessOutcome> {
    const { model } = this
    const rewrite = entriesFor(this.chain.globals.http, 'rewrite', this.runtime.phases)
    let failure = await this.runPhase('rewrite', rewrite)
    if (failure === null && model.exit === null && this.info.match !== null) {
      this.accessRan = true
      failure = await this.runAccess()
    }
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

  async response(
    status: number,
    headers: Record<string, string | string[]>,
    body: Buffer,
  ): Promise<GatewayAnswer> {
    const { model } = this
    this.serviceBody = body
    model.state.serviceResponse = { status, headers: { ...headers }, body: body.toString('utf8') }
    model.state.response = { status, headers: { ...headers }, source: 'service' }
    withPending(model)
    model.chunk = null
    const failure = await this.runPhase('response', this.entries('response'))
    if (failure !== null) return errorAnswer(failure.status, failure.retryAfter)
    if (model.exit !== null) return { ...model.exit }
    const response = model.state.response
    return { status: response.status, headers: response.headers, body: model.chunk ?? body }
  }

  async headerFilter(
    status: number,
    headers: Record<string, string | string[]>,
    source: 'service' | 'exit' | 'error',
  ): Promise<{ status: number; headers: Record<string, string | string[]> }> {
    const { model } = this
    // kong.service.response: the upstream's answer as it came, whatever plugins do to the response
    if (source === 'service' && model.state.serviceResponse === null) {
      model.state.serviceResponse = { status, headers: { ...headers }, body: null }
    }
    model.state.response = { status, headers: { ...headers }, source }
    withPending(model)
    // Failures here are contained: logged, and the response goes on (Kong's header_filter rule).
    await this.runPhase('headerFilter', this.entries('headerFilter'))
    return { status: model.state.response.status, headers: model.state.response.headers }
  }

  async bodyFilter(chunk: Buffer, eof: boolean): Promise<Buffer> {
    let current = chunk
    // One plugin per crossing: each filter sees the chunk the previous one produced.
    for (const entry of this.entries('bodyFilter')) {
      this.model.chunk = null
      await this.runGroup('bodyFilter', [entry], { data: current.toString('base64'), eof })
      if (this.model.chunk !== null) current = this.model.chunk
    }
    return current
  }

  log(facts: LogFacts): void {
    const entries = this.entries('log')
    if (entries.length === 0) return
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
    this.logging = this.runPhase('log', entries).then(
      () => undefined,
      (error: unknown) => this.runtime.options.logger.error({ err: error }, 'log phase failed'),
    )
  }

  end(): void {
    if (this.ended) return
    this.ended = true
    const release = () => {
      for (const session of this.sessions.values()) {
        session.lease.release()
        this.runtime.forget(session.key, this.model.state.id)
      }
    }
    if (this.logging === null) release()
    else void this.logging.finally(release)
  }

  /** The entries of a phase after access: the access selection, or the globals when access never ran. */
  private entries(phase: PhaseName): ChainEntry[] {
    return entriesFor(this.accessRan ? this.selected : this.chain.globals.http, phase, this.runtime.phases)
  }

  /**
   * Access, plugin after plugin in run order; after a plugin authenticated a consumer, the plugins
   * after it are selected again for that consumer (Kong's consumer-scoped instances).
   */
  private async runAccess(): Promise<PhaseFailure | null> {
    const done = new Set<string>()
    const together = this.runtime.options.isolation === 'workspace' && !this.chain.consumerScoped
    for (;;) {
      const pending = entriesFor(this.selected, 'access', this.runtime.phases).filter(
        (entry) => !done.has(entry.plugin.name),
      )
      if (pending.length === 0) return null
      const group = together ? pending : [pending[0] as ChainEntry]
      const consumerBefore = this.model.state.consumer
      const failure = await this.runGroup('access', group)
      for (const entry of group) done.add(entry.plugin.name)
      if (failure !== null || this.model.exit !== null) return failure
      const consumer = this.model.state.consumer
      if (consumer !== consumerBefore && this.chain.consumerScoped) {
        const id = typeof consumer?.id === 'string' ? consumer.id : null
        const last = group[group.length - 1] as ChainEntry
        this.selected = reselectInstances(
          this.chains,
          this.chain.routeId,
          this.selected,
          last.plugin.name,
          id,
          'http',
        )
      }
    }
  }

  /** Runs a phase's entries: one crossing per plugin, or per workspace run in `isolation = workspace`. */
  private async runPhase(phase: PhaseName, entries: readonly ChainEntry[]): Promise<PhaseFailure | null> {
    if (entries.length === 0) return null
    const groups =
      this.runtime.options.isolation === 'workspace' ? [entries] : entries.map((entry) => [entry])
    for (const group of groups) {
      const failure = await this.runGroup(phase, group)
      if (failure !== null) return failure
      if (this.model.exit !== null && (phase === 'rewrite' || phase === 'access')) return null
    }
    return null
  }

  private async runGroup(
    phase: PhaseName,
    group: readonly ChainEntry[],
    chunk?: { data: string; eof: boolean },
  ): Promise<PhaseFailure | null> {
    if (this.stopped.size > 0) group = group.filter((entry) => !this.stopped.has(entry.plugin.name))
    const { quarantine, logger } = this.runtime.options
    if (quarantine?.holdsAny) {
      const held = holdBack(quarantine, logger, this.requestIds(), phase, group)
      if ('failure' in held) return held.failure
      group = held.group
    }
    if (group.length === 0 || this.shed) return null
    const first = group[0] as ChainEntry
    // Fair share between workspaces (WorkspaceScheduler): from the granted turn to the crossing
    // only microtasks run, so the turn is this call's. Until the answer is chosen a call may be refused.
    const { scheduler } = this.runtime
    const wait = scheduler.turn(this.chain.wsId, ANSWERABLE.has(phase) ? 'new' : 'admitted')
    if (wait !== null) {
      try {
        await wait
      } catch (error) {
        if (!isQueueRefused(error)) throw error
        this.shed = true
        this.runtime.noteRefused(this.chain.wsId, error.code)
        const retryAfter = scheduler.retryAfterS
        return { reason: error.code, plugin: first.plugin.name, phase, status: 503, retryAfter }
      }
    }
    const key = this.runtime.keyFor(this.chain.wsId, first.plugin.name)
    let session = this.sessions.get(key)
    if (session === undefined) {
      const lease = await this.runtime.lease(key)
      if (lease === null) return { reason: 'exception', plugin: first.plugin.name, phase, status: 500 }
      session = { key, lease, cpu: new Map() }
      this.sessions.set(key, session)
    }
    const isolate = session.lease.isolate
    // Configured first: the answer may say these configurations need no call in this phase.
    const needed = this.runtime.configureFor(isolate, this.chain.wsId, group, phase)
    let failure: PhaseFailure | null
    if (!Array.isArray(needed)) {
      failure = configureFailure(needed, this.runtime.options.logger, this.requestIds(), first.plugin.name)
    } else {
      if (needed.length === 0) return null
      const configNames = needed.map((entry) =>
        this.runtime.configName(isolate, entry.plugin.name, entry.instance.id),
      )
      const io = (request: IoRequest) => this.perform(request, needed)
      failure = await callIsolate(session, this.model, phase, needed, this.runtime.options, io, {
        ...(chunk ? { chunk } : {}),
        ...this.runtime.cacheSync(isolate, this.chain.wsId, first.plugin.name),
        last: phase === 'log',
        drop: this.runtime.takeDrops(key),
        configNames,
        scheduler,
      })
    }
    if (failure !== null) quarantine?.strike(this.chain.wsId, this.model.state.workspace.name, failure, group)
    // Anything but a plugin exception disposed the isolate: later phases must not use the dead lease.
    if (failure !== null && session.lease.isolate.disposed) {
      session.lease.release()
      this.sessions.delete(key)
      this.model.seenBy.delete(key)
      if (failure.status === 503) for (const entry of group) this.stopped.add(entry.plugin.name)
    }
    return failure
  }

  private requestIds(): { ws: string; workspace: string; id: string } {
    const { state } = this.model
    return { ws: this.chain.wsId, workspace: state.workspace.name, id: state.id }
  }

  private async perform(request: IoRequest, group: readonly ChainEntry[]): Promise<unknown> {
    switch (request.op) {
      case 'request.getRawBody':
        return (await this.readBody()).toString('utf8')
      case 'service.response.getRawBody':
        return this.serviceBody?.toString('utf8') ?? ''
      case 'crypto':
        return performCrypto(request.args)
      default: {
        const data = this.runtime.options.data
        if (data === undefined) throw new Error(`${request.op} is not available in this gateway`)
        const plugin = this.callerOf(request, group)
        if (request.op === 'db') {
          this.dbCalls.take(plugin)
          return data.client.db(this.chain.wsId, plugin, request.args)
        }
        return performCache(data, this.chain.wsId, plugin, request.op, request.args)
      }
    }
  }

  /**
   * Which plugin asked. With one isolate per plugin, the isolate says so and nothing the isolate
   * claims matters; a workspace isolate runs the workspace's plugins in one heap (they are one
   * trust domain, see docs/architecture.md), so its frame's plugin is taken when it runs there.
   */
  private callerOf(request: IoRequest, group: readonly ChainEntry[]): string {
    const first = (group[0] as ChainEntry).plugin.name
    if (this.runtime.options.isolation === 'plugin') return first
    const claimed = request.plugin
    return typeof claimed === 'string' && this.runtime.hasPlugin(claimed) ? claimed : first
  }

  /** Reads the client's body once (bounded); it is then sent upstream from memory. */
  private readBody(): Promise<Buffer> {
    this.body ??= new Promise<Buffer>((resolve, reject) => {
      const { req } = this.info
      const limit = this.runtime.options.maxBodyBytes
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > limit) {
          req.destroy()
          reject(new Error('the request body is larger than plugins may read'))
        } else chunks.push(chunk)
      })
      req.once('end', () => {
        const body = Buffer.concat(chunks)
        this.model.upstreamBody ??= body
        resolve(body)
      })
      req.once('error', reject)
    })
    return this.body
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
