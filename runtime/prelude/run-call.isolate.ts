/**
 * Running one phase call: handlers in order from a cursor; a handler's promise parks the call
 * (pending) until a `resume` finds it settled; the final result carries the whole call.
 */
import type { CallPhase, IoResult, PhaseResult, PluginOutcome } from '../protocol.ts'
import { apiAnswer, apiArgument, apiHandler } from './api.isolate.ts'
import { base64Encode } from './bytes.isolate.ts'
import { type CallRecord, type Frame, newFrame, type RunEntry } from './call.isolate.ts'
import { refusedTarget } from './egress.isolate.ts'
import { PdkError } from './errors.isolate.ts'
import {
  ArrayIsArray,
  MapCtor,
  MapDelete,
  MapForEach,
  MapGet,
  MapHas,
  MapSet,
  ObjectKeys,
  push,
  ReflectApply,
  StringSlice,
} from './intrinsics.isolate.ts'
import { cancelIo, deliverIo, ioWaitingTotal } from './io.isolate.ts'
import { kongFor } from './kong.isolate.ts'
import { callChanged, onAdvance } from './late-answer.isolate.ts'
import { setRunning } from './quota.isolate.ts'
import { findPlugin } from './registry.isolate.ts'
import { forgetRequest, type RequestRecord } from './request-record.isolate.ts'
import { thrownInfo, toPlain, writeJson } from './values.isolate.ts'

/** Calls waiting for a `resume`, by pending id. */
const calls = new MapCtor<number, CallRecord>()
let nextCall = 1

export function findCall(id: number): CallRecord | undefined {
  return MapGet(calls, id)
}

export function newCall(
  phase: CallPhase,
  request: RequestRecord | null,
  run: RunEntry[],
  last: boolean,
): CallRecord {
  return {
    id: nextCall++,
    phase,
    request,
    run,
    cursor: 0,
    current: null,
    outcomes: [],
    mutations: [],
    exit: null,
    io: [],
    ioReported: 0,
    finished: false,
    ioWaiting: 0,
    chunk: null,
    sharedOut: undefined,
    last,
    configureArgs: null,
    phaseSets: null,
    api: null,
    quota: null,
    chars: 0,
    logChars: 0,
  }
}

/** kong.ctx.shared's JSON now; what cannot be copied (functions, cycles) is left out. */
function sharedJson(request: RequestRecord): string {
  if (ObjectKeys(request.shared).length === 0) return '{}'
  const copy = toPlain(request.shared, 'kong.ctx.shared', true)
  return copy !== null && typeof copy === 'object' && !ArrayIsArray(copy) ? writeJson(copy) : '{}'
}

/**
 * The JSON the final answer carries as `shared`: null when kong.ctx.shared is as the host holds
 * it (RequestRecord.sharedText). Decided once per call, at its first finish.
 */
function sharedOut(record: CallRecord): string | null {
  const request = record.request
  if (record.sharedOut !== undefined || request === null) return record.sharedOut ?? null
  const text = sharedJson(request)
  record.sharedOut = text === request.sharedText ? null : text
  request.sharedText = text
  return record.sharedOut
}

/** The I/O of the call's last answer was reported: a new crossing starts with what came after. */
export function openCrossing(record: CallRecord): void {
  if (record.ioReported > 0) {
    record.io = record.io.slice(record.ioReported)
    record.ioReported = 0
  }
}

/** Delivers I/O results and carries the call on (or fails a handler nothing can wake). */
export function resumeCall(record: CallRecord, io: readonly IoResult[], seq: number): string {
  openCrossing(record)
  const delivered = deliverIo(record, io)
  const frame = record.current
  // Microtasks ran when the last crossing returned: with nothing delivered now and no host I/O
  // outstanding anywhere in the isolate, nothing can ever settle this handler's promise.
  if (frame && !frame.exited && !frame.settled && delivered === 0 && ioWaitingTotal() === 0) {
    frame.settled = {
      failed: true,
      error: new PdkError(
        'the handler returned a promise that never settles (it awaits something other than host I/O)',
      ),
    }
  }
  return advance(record, seq)
}

/** Runs handlers from the cursor until one is pending, the chain stops, or the list ends. */
export function advance(record: CallRecord, seq: number): string {
  if (record.finished || record.quota !== null) return finish(record, seq)
  for (let guard = 0; guard <= record.run.length + 1; guard++) {
    const frame = record.current
    if (frame) {
      if (frame.exited) finishFrame(frame, 'exit', null)
      else if (frame.settled)
        finishFrame(frame, frame.settled.failed ? 'error' : 'ok', frame.settled.error, frame.settled.value)
      else return pending(record, seq)
      record.current = null
    }
    if (record.exit || record.quota !== null || stopped(record) || record.cursor >= record.run.length) break
    startFrame(record, record.run[record.cursor++]!)
  }
  return finish(record, seq)
}

/** In rewrite, access and response a thrown error ends the chain (the request fails with 500, as in Kong). */
function stopped(record: CallRecord): boolean {
  const last = record.outcomes[record.outcomes.length - 1]
  if (last === undefined || last.status !== 'error') return false
  return record.phase === 'rewrite' || record.phase === 'access' || record.phase === 'response'
}

function startFrame(record: CallRecord, entry: RunEntry): void {
  const frame = newFrame(record, entry)
  const plugin = findPlugin(entry.plugin)
  if (!plugin) {
    finishFrame(frame, 'error', new PdkError(`plugin ${entry.plugin} is not loaded in this isolate`))
    return
  }
  const kong = kongFor(frame)
  let args: unknown[]
  let method: unknown
  if (record.phase === 'admin') {
    const handler = apiHandler(plugin, record.api)
    if (handler instanceof PdkError) {
      finishFrame(frame, 'error', handler)
      return
    }
    method = handler
    args = [kong, apiArgument(record.api!)]
  } else if (record.phase === 'configure') args = [kong, record.configureArgs![0]]
  else if (record.phase === 'initWorker') args = [kong]
  else {
    // '' names the plugin's only configuration (PhaseCall.run).
    const config = entry.config === '' ? plugin.soleConfig : entry.config
    if (config === null) {
      finishFrame(frame, 'error', new PdkError(`plugin ${entry.plugin} has no single configuration`))
      return
    }
    if (!MapHas(plugin.configs, config)) {
      finishFrame(frame, 'error', new PdkError(`plugin ${entry.plugin} has no configuration ${config}`))
      return
    }
    args = [kong, MapGet(plugin.configs, config)]
  }
  let returned: unknown
  try {
    method ??= (plugin.handler as Record<string, unknown>)[record.phase]
    const self = record.phase === 'admin' ? undefined : plugin.handler
    returned = typeof method === 'function' ? ReflectApply(method, self, args) : undefined
  } catch (error) {
    finishFrame(frame, frame.exited ? 'exit' : 'error', error)
    return
  }
  if (frame.exited) {
    // An async handler that exited before its first await returns a promise rejected with the
    // exit sentinel: observe it, or V8 reports an unhandled rejection and the call fails.
    if (thenable(returned)) void settle(frame, returned)
    finishFrame(frame, 'exit', null)
  } else if (!thenable(returned)) finishFrame(frame, 'ok', null, returned)
  else {
    record.current = frame
    void settle(frame, returned)
  }
}

/** Whether `await` would treat the value as a promise; a throwing `then` getter counts (it rejects). */
function thenable(value: unknown): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false
  try {
    return typeof (value as { then?: unknown }).then === 'function'
  } catch {
    return true
  }
}

async function settle(frame: Frame, value: unknown): Promise<void> {
  try {
    frame.settled = { failed: false, error: null, value: await value }
  } catch (error) {
    frame.settled = { failed: true, error }
  }
  callChanged(frame.call)
}

function finishFrame(frame: Frame, status: PluginOutcome['status'], error: unknown, value?: unknown): void {
  // An api.ts handler's answer is the call's exit; an answer of the wrong shape is its error.
  if (frame.phase === 'admin' && status === 'ok') {
    let answer: ReturnType<typeof apiAnswer>
    // The answer is this call's to carry: an oversized one is its quota (503), not the handler's error.
    setRunning(frame.call)
    try {
      answer = apiAnswer(value)
    } catch (refused) {
      answer = refused instanceof PdkError ? refused : new PdkError('the answer could not be read')
    }
    if (answer instanceof PdkError) {
      status = 'error'
      error = answer
    } else frame.call.exit = answer
  }
  frame.done = true
  const outcome: PluginOutcome = { plugin: frame.plugin, config: frame.config, status }
  if (status === 'error') outcome.error = thrownInfo(error)
  const refused = status === 'error' ? refusedTarget(error) : null
  if (refused !== null) outcome.egress = refused
  if (frame.droppedLogs > 0) {
    push(frame.logs, {
      level: 'warn',
      message: `${frame.droppedLogs} more log lines of this handler were dropped`,
    })
  }
  if (frame.logs.length > 0) outcome.logs = frame.logs
  // A handler that just returned, silently, is the common case: the host takes no news as ok.
  else if (status === 'ok') return
  push(frame.call.outcomes, outcome)
}

/** Every I/O request not reported yet: an answer replaced later in the crossing must repeat them. */
function pending(record: CallRecord, seq: number): string {
  MapSet(calls, record.id, record)
  record.ioReported = record.io.length
  return writeJson({ seq, pending: record.id, io: record.io as never, outcomes: [], mutations: [] })
}

function finish(record: CallRecord, seq: number): string {
  record.finished = true
  MapDelete(calls, record.id)
  cancelIo(record)
  // A refused value fails the call as a whole: nothing else it did is sent.
  if (record.quota !== null) {
    if (record.current) record.current.done = true
    if (record.request && record.last) forgetRequest(record.request.rid)
    return writeJson({ seq, outcomes: [], mutations: [], quota: { ...record.quota } })
  }
  const result: PhaseResult = { seq, outcomes: record.outcomes, mutations: record.mutations }
  if (record.exit) result.exit = record.exit
  if (record.phaseSets !== null) result.phases = record.phaseSets
  if (record.chunk?.changed) result.chunk = base64Encode(record.chunk.bytes!)
  const shared = sharedOut(record)
  if (record.request && record.last) forgetRequest(record.request.rid)
  const json = writeJson(result as never)
  // kong.ctx.shared goes out as the very text it was compared by: serialised once per call.
  return shared === null ? json : `${StringSlice(json, 0, json.length - 1)},"shared":${shared}}`
}

/** Forgets a request the host gave up on, with any of its calls still pending. */
export function dropRequest(rid: string): void {
  forgetRequest(rid)
  MapForEach(calls, (record, id) => {
    if (record.request?.rid !== rid) return
    if (record.current) record.current.done = true
    cancelIo(record)
    MapDelete(calls, id)
  })
}

onAdvance(advance)
