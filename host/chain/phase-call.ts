import {
  type IoHandler,
  type IsolateHandle,
  type IsolateLease,
  isBridgeViolation,
  isIsolateError,
  isQuota,
  mapStack,
  type PhaseRun,
  startPhase,
} from '../../runtime/isolate/index.ts'
import type { ParsedResult, PhaseCall, PhaseName, PluginOutcome } from '../../runtime/protocol.ts'
import type { ChainEntry } from '../plugins/index.ts'
import { applyMutations } from './apply-mutations.ts'
import type { CallRun } from './call-plan.ts'
import { firstState } from './call-state.ts'
import type { ChainOptions } from './chain-options.ts'
import { holdingsOf, sendRun } from './isolate-holdings.ts'
import { chargeLogLine, LOG_BYTES_PER_REQUEST } from './log-budget.ts'
import type { RequestModel } from './request-model.ts'
import { type KnownState, knownState, stateDelta } from './request-state.ts'
import type { QueueRefusal, WorkspaceScheduler } from './scheduler/index.ts'
import { chargedTo, resumesQueued } from './scheduler-charge.ts'

/** Why a phase call failed, as the one log line per failed request names it. */
export type FailureReason =
  | 'exception'
  | 'cpu_limit'
  | 'wall_limit'
  | 'memory_limit'
  | 'bridge_violation'
  | 'egress_denied'
  /** The plugin is quarantined (too many limit failures): its code did not run. */
  | 'quarantined'

export interface PhaseFailure {
  /** A QueueRefusal is the worker's, not the plugin's: no failure line, no strike. */
  reason: FailureReason | QueueRefusal
  plugin: string
  phase: PhaseName
  /** 500 for exceptions and refused messages, 503 for limits (the isolate was disposed). */
  status: 500 | 503
  /** Seconds for `Retry-After` (a call the workspace scheduler refused). */
  retryAfter?: number
}

/** What one request's calls into one isolate need. */
export interface IsolateSession {
  key: string
  lease: IsolateLease
  /** CPU each plugin spent on this request so far, ms (plugin_cpu_ms is per plugin per request). */
  cpu: Map<string, number>
  /** What the isolate's view holds after its last call (see stateDelta). */
  known?: KnownState
}

const LIMITS = new Set(['cpu_limit', 'wall_limit', 'memory_limit'])

/**
 * One phase call into one isolate for `entries` (one plugin in `isolation = plugin`, a run of the
 * workspace's chain otherwise): sends the state (whole on the isolate's first call of the request,
 * the changing parts after), drives call/resume through runPhase, applies the result to the model
 * and logs what the plugins logged. Returns the failure when the request must fail.
 */
export function callIsolate(
  session: IsolateSession,
  model: RequestModel,
  phase: PhaseName,
  entries: readonly ChainEntry[],
  options: ChainOptions,
  io: IoHandler,
  extra: {
    chunk?: { data: string; eof: boolean }
    last: boolean
    drop?: string[]
    cacheDrop?: string[] | true
    cacheGen?: number
    /** The call's `run`, planned (ChainRuntime.crossing); the entries by config id when absent. */
    run?: CallRun
    /** Charged with each crossing's CPU; resumes after host I/O wait for their turn in it. */
    scheduler?: WorkspaceScheduler
  },
): PhaseFailure | null | Promise<PhaseFailure | null> {
  const { state } = model
  const first = !model.seenBy.has(session.key)
  const plugin = entries[0]?.plugin.name ?? '?'
  let spent = 0
  for (const entry of entries) spent = Math.max(spent, session.cpu.get(entry.plugin.name) ?? 0)
  const call: PhaseCall = { kind: 'call', seq: 0, phase, rid: state.id, last: extra.last, budgetMs: 0 }
  const held = holdingsOf(session.lease.isolate)
  held.begin(call)
  // A planned run is shared and frozen: sent once per isolate, then named by its plan id.
  const run = (extra.run ??
    entries.map((entry) => ({ plugin: entry.plugin.name, config: entry.instance.id }))) as PhaseCall['run']
  if (extra.run !== undefined) sendRun(call, extra.run, held)
  else call.run = run
  const tail = first ? firstState(call, held, model) : undefined
  if (!first) call.delta = stateDelta(model, session.known)
  if (extra.chunk) call.chunk = extra.chunk
  if (extra.drop?.length) call.drop = extra.drop
  if (extra.cacheDrop) call.cacheDrop = extra.cacheDrop
  if (extra.cacheGen !== undefined) call.cacheGen = extra.cacheGen
  call.budgetMs = Math.max(0, options.cpuMs - spent)
  model.seenBy.add(session.key)
  // Until this call succeeds, the isolate's view is not known (a failed call may have changed it).
  session.known = undefined
  const started = performance.now()
  const { scheduler } = extra
  const wsId = state.workspace.id
  let running: PhaseRun | Promise<PhaseRun>
  try {
    running = startPhase(
      scheduler ? chargedTo(scheduler, wsId, session.lease.isolate) : session.lease.isolate,
      call,
      { cpuMs: Math.max(0.1, options.cpuMs - spent), wallMs: options.wallMs },
      scheduler ? resumesQueued(scheduler, wsId, io) : io,
      tail,
      run,
    )
  } catch (error) {
    held.reset()
    return failed(error, options, model, plugin, phase)
  }
  const done = (ran: PhaseRun): PhaseFailure | null => {
    options.timings?.record(performance.now() - started)
    for (const entry of entries) {
      session.cpu.set(entry.plugin.name, (session.cpu.get(entry.plugin.name) ?? 0) + ran.cpuMs)
    }
    const failure = applyResult(model, phase, ran.result, options, entries, session.lease.isolate)
    // The isolate's view now matches these: it was sent them, or its own mutations made them.
    if (failure === null) session.known = knownState(model)
    else held.reset()
    return failure
  }
  if (!(running instanceof Promise)) return done(running)
  return running.then(done, (error: unknown) => {
    held.reset()
    return failed(error, options, model, plugin, phase)
  })
}

/** A phase call the runtime stopped (a limit, a violation, an exception): logged, and the request's failure. */
function failed(
  error: unknown,
  options: ChainOptions,
  model: RequestModel,
  plugin: string,
  phase: PhaseName,
): PhaseFailure {
  if (!isIsolateError(error)) throw error
  const reason: FailureReason = LIMITS.has(error.code)
    ? (error.code as FailureReason)
    : error.code === 'exception'
      ? 'exception'
      : 'bridge_violation'
  logFailure(options, model, { plugin, phase, reason, detail: error.message })
  const quota = isQuota(error)
  return { reason, plugin, phase, status: LIMITS.has(error.code) || quota ? 503 : 500 }
}

/**
 * Applies an answer whose envelope runPhase checked: its operations checked and applied in one
 * pass (applyMutations), then what the envelope carries. A refused operation changes nothing of
 * the request and fails the call as a bad envelope does: the isolate is disposed, 500 (503 for a
 * quota), one `bridge_violation` line naming the rule; the plugins' log lines of that answer are
 * dropped with it.
 */
function applyResult(
  model: RequestModel,
  phase: PhaseName,
  result: ParsedResult,
  options: ChainOptions,
  entries: readonly ChainEntry[],
  isolate: IsolateHandle,
): PhaseFailure | null {
  const plugin = entries[0]?.plugin.name ?? '?'
  try {
    applyMutations(model, result.mutations, plugin)
  } catch (error) {
    if (!isBridgeViolation(error)) throw error
    isolate.dispose()
    return failed(error, options, model, plugin, phase)
  }
  for (const outcome of result.outcomes) logLines(options, model, phase, outcome)
  if (result.shared) model.state.shared = result.shared
  if (result.chunk !== undefined) model.chunk = Buffer.from(result.chunk, 'base64')
  if (result.exit) {
    model.exit = {
      status: result.exit.status,
      body:
        result.exit.body === null
          ? null
          : Buffer.from(result.exit.body, result.exit.base64 ? 'base64' : 'utf8'),
      headers: { ...model.pendingResponse.headers, ...(result.exit.headers ?? {}) },
    }
  }
  const erred = result.outcomes.find((outcome) => outcome.status === 'error')
  if (!erred) return null
  const stack = erred.error?.stack ? mapStack(erred.error.stack, bundlesOf(entries)) : null
  // The prelude's own setTarget refusal, uncaught: the egress policy's failure, not a plugin bug.
  const reason = erred.egress !== undefined ? 'egress_denied' : 'exception'
  logFailure(options, model, {
    plugin: erred.plugin,
    phase,
    reason,
    detail: erred.error?.message ?? 'the plugin failed',
    stack,
    ...(erred.egress !== undefined ? { target: erred.egress } : {}),
  })
  return { reason, plugin: erred.plugin, phase, status: 500 }
}

const bundlesOf = (entries: readonly ChainEntry[]) =>
  entries.map((entry) => ({ name: entry.plugin.name, code: entry.plugin.bundle.code }))

function logLines(
  options: ChainOptions,
  model: RequestModel,
  phase: PhaseName,
  outcome: PluginOutcome,
): void {
  const fields = {
    workspace: model.state.workspace.name,
    plugin: outcome.plugin,
    phase,
    request_id: model.state.id,
  }
  for (const line of outcome.logs ?? []) {
    const charged = chargeLogLine(model, line.message)
    if (charged !== 'log') {
      if (charged === 'first-drop') {
        options.logger.warn(
          fields,
          `kong.log: this request logged more than ${LOG_BYTES_PER_REQUEST} bytes; its further lines are dropped`,
        )
      }
      continue
    }
    const level = line.level === 'err' ? 'error' : line.level
    const log = (options.logger as unknown as Record<string, (o: object, m: string) => void>)[level]
    log?.call(options.logger, fields, line.message)
  }
}

/** The one structured line a failed request gets: no host paths, no plugin error text to the client. */
function logFailure(
  options: ChainOptions,
  model: RequestModel,
  failure: {
    plugin: string
    phase: PhaseName
    reason: FailureReason
    detail: string
    stack?: string | null
    target?: string
  },
): void {
  options.logger.error(
    {
      workspace: model.state.workspace.name,
      plugin: failure.plugin,
      phase: failure.phase,
      reason: failure.reason,
      ...(failure.target !== undefined ? { target: failure.target } : {}),
      request_id: model.state.id,
      detail: failure.detail,
      ...(failure.stack ? { stack: failure.stack } : {}),
    },
    'plugin failed',
  )
}
