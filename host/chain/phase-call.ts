import {
  type IoHandler,
  type IsolateHandle,
  type IsolateLease,
  isIsolateError,
  isQuota,
  mapStack,
  runPhase,
} from '../../runtime/isolate/index.ts'
import type {
  PhaseCall,
  PhaseName,
  PhaseResult,
  PluginOutcome,
  RequestState,
} from '../../runtime/protocol.ts'
import type { ChainEntry } from '../plugins/index.ts'
import { applyMutations, MutationRefused } from './apply-mutations.ts'
import type { ChainOptions } from './chain-options.ts'
import { chargeLogLine, LOG_BYTES_PER_REQUEST } from './log-budget.ts'
import type { RequestModel } from './request-model.ts'
import { type KnownState, stateDelta } from './request-state.ts'
import type { QueueRefusal, WorkspaceScheduler } from './scheduler/index.ts'

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
export async function callIsolate(
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
    /** How the call names each entry's config (WorkerPlugins.configName); the ids when absent. */
    configNames?: readonly string[]
    /** Charged with each crossing's CPU; resumes after host I/O wait for their turn in it. */
    scheduler?: WorkspaceScheduler
  },
): Promise<PhaseFailure | null> {
  const { state } = model
  const first = !model.seenBy.has(session.key)
  const plugin = entries[0]?.plugin.name ?? '?'
  const spent = entries.reduce((max, e) => Math.max(max, session.cpu.get(e.plugin.name) ?? 0), 0)
  const call: PhaseCall = {
    kind: 'call',
    seq: 0,
    phase,
    rid: state.id,
    run: entries.map((entry, i) => ({
      plugin: entry.plugin.name,
      config: extra.configNames?.[i] ?? entry.instance.id,
    })),
    ...(first ? fullState(session.lease.isolate, state) : { delta: stateDelta(state, session.known) }),
    ...(extra.chunk ? { chunk: extra.chunk } : {}),
    last: extra.last,
    ...(extra.drop?.length ? { drop: extra.drop } : {}),
    ...(extra.cacheDrop ? { cacheDrop: extra.cacheDrop } : {}),
    ...(extra.cacheGen !== undefined ? { cacheGen: extra.cacheGen } : {}),
    budgetMs: Math.max(0, options.cpuMs - spent),
  }
  model.seenBy.add(session.key)
  // Until this call succeeds, the isolate's view is not known (a failed call may have changed it).
  session.known = undefined
  let result: PhaseResult
  try {
    const started = performance.now()
    const { scheduler } = extra
    const wsId = state.workspace.id
    const run = await runPhase(
      scheduler ? chargedTo(scheduler, wsId, session.lease.isolate) : session.lease.isolate,
      call,
      { cpuMs: Math.max(0.1, options.cpuMs - spent), wallMs: options.wallMs },
      scheduler ? resumesQueued(scheduler, wsId, io) : io,
    )
    options.timings?.record(performance.now() - started)
    result = run.result
    for (const entry of entries) {
      session.cpu.set(entry.plugin.name, (session.cpu.get(entry.plugin.name) ?? 0) + run.cpuMs)
    }
  } catch (error) {
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
  const failure = applyResult(model, phase, result, options, entries)
  // The isolate's view now matches these: it was sent them, or its own mutations made them.
  if (failure === null) {
    session.known = { consumer: state.consumer, credential: state.credential, shared: state.shared }
  }
  return failure
}

/** Each isolate's charged view, made once: an isolate belongs to one workspace of one worker. */
const charged = new WeakMap<IsolateHandle, IsolateHandle>()

/** The isolate as runPhase uses it, each crossing's CPU charged to the workspace's share. */
function chargedTo(scheduler: WorkspaceScheduler, wsId: string, isolate: IsolateHandle): IsolateHandle {
  let view = charged.get(isolate)
  if (view === undefined) {
    view = chargingView(scheduler, wsId, isolate)
    charged.set(isolate, view)
  }
  return view
}

function chargingView(scheduler: WorkspaceScheduler, wsId: string, isolate: IsolateHandle): IsolateHandle {
  return {
    dispatch(message, timeoutMs) {
      const before = isolate.cpuTimeMs()
      try {
        return isolate.dispatch(message, timeoutMs)
      } finally {
        scheduler.charge(wsId, (isolate.cpuTimeMs() - before) * 1000)
      }
    },
    cpuTimeMs: () => isolate.cpuTimeMs(),
    heap: () => isolate.heap(),
    get disposed() {
      return isolate.disposed
    },
    dispose: () => isolate.dispose(),
  }
}

/**
 * The I/O of one phase call, its resume queued: once the last of a crossing's requests is done
 * (runPhase performs them together and resumes when all are), the call waits for its workspace's
 * turn, then runPhase crosses in the same microtask run. A resume asked with no I/O (rare: the
 * isolate's promises needed another turn) is not queued; it is still charged.
 */
function resumesQueued(scheduler: WorkspaceScheduler, wsId: string, io: IoHandler): IoHandler {
  let inFlight = 0
  return async (request) => {
    inFlight++
    try {
      return await io(request)
    } finally {
      if (--inFlight === 0) await scheduler.turn(wsId, 'resumed')
    }
  }
}

/** The route and service objects of the last full state each isolate was sent. */
const lastSent = new WeakMap<
  IsolateHandle,
  { route: RequestState['route']; service: RequestState['service'] }
>()

/** A first call's state, without the route and service the isolate already holds (PhaseCall.reuse). */
function fullState(isolate: IsolateHandle, state: RequestState): Pick<PhaseCall, 'state' | 'reuse'> {
  const last = lastSent.get(isolate)
  lastSent.set(isolate, { route: state.route, service: state.service })
  const route = state.route !== null && last?.route === state.route
  const service = state.service !== null && last?.service === state.service
  if (!route && !service) return { state }
  return {
    state: {
      ...state,
      ...(route ? { route: undefined } : {}),
      ...(service ? { service: undefined } : {}),
    } as RequestState,
    reuse: { ...(route ? { route } : {}), ...(service ? { service } : {}) },
  }
}

function applyResult(
  model: RequestModel,
  phase: PhaseName,
  result: PhaseResult,
  options: ChainOptions,
  entries: readonly ChainEntry[],
): PhaseFailure | null {
  for (const outcome of result.outcomes) logLines(options, model, phase, outcome)
  try {
    applyMutations(model, result.mutations, entries[0]?.plugin.name)
  } catch (error) {
    if (!(error instanceof MutationRefused)) throw error
    const plugin = entries[0]?.plugin.name ?? '?'
    logFailure(options, model, {
      plugin,
      phase,
      reason: 'bridge_violation',
      detail: `${error.rule}: ${error.message}`,
    })
    return { reason: 'bridge_violation', plugin, phase, status: 500 }
  }
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
  const failed = result.outcomes.find((outcome) => outcome.status === 'error')
  if (!failed) return null
  const stack = failed.error?.stack ? mapStack(failed.error.stack, bundlesOf(entries)) : null
  // The prelude's own setTarget refusal, uncaught: the egress policy's failure, not a plugin bug.
  const reason = failed.egress !== undefined ? 'egress_denied' : 'exception'
  logFailure(options, model, {
    plugin: failed.plugin,
    phase,
    reason,
    detail: failed.error?.message ?? 'the plugin failed',
    stack,
    ...(failed.egress !== undefined ? { target: failed.egress } : {}),
  })
  return { reason, plugin: failed.plugin, phase, status: 500 }
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

/** Sends a plugin's configs to an isolate (Kong's `configure`), when they changed since the last time. */
export function configureIfChanged(
  isolate: IsolateHandle,
  sent: Map<string, object>,
  plugin: string,
  configs: Readonly<Record<string, Record<string, unknown>>>,
  timeoutMs: number,
): void {
  if (sent.get(plugin) === configs) return
  let result = isolate.dispatch({ kind: 'configure', seq: 0, plugin, configs: { ...configs } }, timeoutMs)
  // An async configure without host I/O is done once the isolate's microtasks ran (one resume).
  for (let i = 0; i < 3 && result.pending !== undefined; i++) {
    result = isolate.dispatch({ kind: 'resume', seq: 0, pending: result.pending, io: [] }, timeoutMs)
  }
  sent.set(plugin, configs)
}
