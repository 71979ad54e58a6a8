import { type IsolateLease, isIsolateError } from '../../runtime/isolate/index.ts'
import type { IoRequest, PhaseName } from '../../runtime/protocol.ts'
import type { ChainEntry } from '../plugins/index.ts'
import { andThen } from '../proxy/index.ts'
import type { PlanGroup } from './call-plan.ts'
import type { ChainRuntime } from './chain-runtime.ts'
import { configureFailure } from './configure-failure.ts'
import { callIsolate, type IsolateSession, type PhaseFailure } from './phase-call.ts'
import { holdBack } from './quarantine.ts'
import type { RequestIo } from './request-io.ts'
import type { RequestModel } from './request-model.ts'
import { isQueueRefused } from './scheduler/index.ts'

/** Phases whose failure still chooses the answer: a call there may be refused for a busy worker. */
const ANSWERABLE = new Set<PhaseName>(['rewrite', 'access', 'response'])

/** Where a phase (or a group's call) ended: at once, or once a plugin's host I/O or an isolate build settled. */
export type Step = PhaseFailure | null | Promise<PhaseFailure | null>

/**
 * One request's calls into isolates, a planned group at a time: the plugins a limit stopped or the
 * quarantine holds back left out, the workspace's turn, the isolate leased on the request's first
 * call there (kept until the request ends), the crossing. Synchronous while the turn, the lease and
 * the call are: a promise only when one of them has to wait.
 */
export class RequestCalls {
  private readonly sessions = new Map<string, IsolateSession>()
  /** Plugins a limit stopped in this request: their budget is spent, their later phases are skipped. */
  private readonly stopped = new Set<string>()
  /** The workspace scheduler refused a call: the request answers 503 and runs no more plugin code. */
  private shed = false

  constructor(
    private readonly runtime: ChainRuntime,
    private readonly wsId: string,
    private readonly model: RequestModel,
    private readonly io: RequestIo,
  ) {}

  /** The request ended: its leases go, and each isolate drops its state with its next call. */
  release(): void {
    for (const session of this.sessions.values()) {
      session.lease.release()
      this.runtime.forget(session.key, this.model.state.id)
    }
  }

  /** One crossing of a planned group (bodyFilter: with the chunk); null when it ran, or had nothing to run. */
  run(phase: PhaseName, group: PlanGroup, chunk?: { data: string; eof: boolean }): Step {
    let entries = group.entries
    if (this.stopped.size > 0) entries = entries.filter((entry) => !this.stopped.has(entry.plugin.name))
    const { quarantine, logger } = this.runtime.options
    if (quarantine?.holdsAny) {
      const held = holdBack(quarantine, logger, this.requestIds(), phase, entries)
      if ('failure' in held) return held.failure
      entries = held.group
    }
    if (entries.length === 0 || this.shed) return null
    // Fair share between workspaces (WorkspaceScheduler): from the granted turn to the crossing
    // only microtasks run, so the turn is this call's. Until the answer is chosen a call may be refused.
    const { scheduler } = this.runtime
    const wait = scheduler.turn(this.wsId, ANSWERABLE.has(phase) ? 'new' : 'admitted')
    if (wait === null) return this.enter(phase, group, entries, chunk)
    return wait.then(
      () => this.enter(phase, group, entries, chunk),
      (error: unknown) => this.refused(error, phase, entries),
    )
  }

  private refused(error: unknown, phase: PhaseName, entries: readonly ChainEntry[]): PhaseFailure {
    if (!isQueueRefused(error)) throw error
    this.shed = true
    this.runtime.noteRefused(this.wsId, error.code)
    const retryAfter = this.runtime.scheduler.retryAfterS
    const plugin = (entries[0] as ChainEntry).plugin.name
    return { reason: error.code, plugin, phase, status: 503, retryAfter }
  }

  /** The group's session (its isolate leased on the request's first call there), then its crossing. */
  private enter(
    phase: PhaseName,
    group: PlanGroup,
    entries: readonly ChainEntry[],
    chunk: { data: string; eof: boolean } | undefined,
  ): Step {
    const session = this.sessions.get(group.key)
    if (session !== undefined) return this.cross(session, phase, group, entries, chunk)
    return andThen(this.runtime.lease(group.key), (lease) => this.opened(lease, phase, group, entries, chunk))
  }

  private opened(
    lease: IsolateLease | null,
    phase: PhaseName,
    group: PlanGroup,
    entries: readonly ChainEntry[],
    chunk: { data: string; eof: boolean } | undefined,
  ): Step {
    const plugin = (entries[0] as ChainEntry).plugin.name
    if (lease === null) return { reason: 'exception', plugin, phase, status: 500 }
    const session: IsolateSession = { key: group.key, lease, cpu: new Map() }
    this.sessions.set(group.key, session)
    return this.cross(session, phase, group, entries, chunk)
  }

  private cross(
    session: IsolateSession,
    phase: PhaseName,
    group: PlanGroup,
    entries: readonly ChainEntry[],
    chunk: { data: string; eof: boolean } | undefined,
  ): Step {
    const isolate = session.lease.isolate
    const { wsId } = this
    const plugin = (entries[0] as ChainEntry).plugin.name
    // Configured first: the answer may say these configurations need no call in this phase.
    const crossing = this.runtime.crossing(isolate, wsId, group, entries, phase)
    if (isIsolateError(crossing)) {
      const failure = configureFailure(crossing, this.runtime.options.logger, this.requestIds(), plugin)
      return this.after(session, entries, failure)
    }
    const { needed } = crossing
    if (needed.length === 0) return null
    const io = (request: IoRequest) => this.io.perform(request, needed)
    const sync = this.runtime.cacheSync(isolate, wsId, plugin)
    const step = callIsolate(session, this.model, phase, needed, this.runtime.options, io, {
      last: phase === 'log',
      run: crossing.run,
      scheduler: this.runtime.scheduler,
      chunk,
      cacheGen: sync?.cacheGen,
      cacheDrop: sync?.cacheDrop,
      drop: this.runtime.takeDrops(session.key),
    })
    return andThen(step, (failure) => this.after(session, entries, failure))
  }

  /** A failed call strikes its plugins; one that disposed the isolate ends the session and stops them. */
  private after(
    session: IsolateSession,
    entries: readonly ChainEntry[],
    failure: PhaseFailure | null,
  ): PhaseFailure | null {
    if (failure === null) return null
    this.runtime.options.quarantine?.strike(this.wsId, this.model.state.workspace.name, failure, entries)
    // Anything but a plugin exception disposed the isolate: later phases must not use the dead lease.
    if (session.lease.isolate.disposed) {
      session.lease.release()
      this.sessions.delete(session.key)
      this.model.seenBy.delete(session.key)
      if (failure.status === 503) for (const entry of entries) this.stopped.add(entry.plugin.name)
    }
    return failure
  }

  private requestIds(): { ws: string; workspace: string; id: string } {
    const { state } = this.model
    return { ws: this.wsId, workspace: state.workspace.name, id: state.id }
  }
}
