/**
 * One phase call (a `call` or `configure` message, across its `resume`s) and one frame per
 * plugin handler it runs. Every PDK object is bound to one frame: once the frame's outcome is
 * recorded, the object refuses to touch anything (a handle kept from an earlier phase or request).
 */
import type { ApiRequest, CallPhase, IoRequest, Mutation, PhaseResult, PluginOutcome } from '../protocol.ts'
import { ExitSignal, misuse } from './errors.isolate.ts'
import { push } from './intrinsics.isolate.ts'
import { PHASE_BITS, phaseNames } from './phases.isolate.ts'
import { bounded, setRunning } from './quota.isolate.ts'
import type { RequestRecord } from './request-record.isolate.ts'

export interface RunEntry {
  plugin: string
  config: string
}

/** bodyFilter's chunk as plugins see and replace it. */
export interface ChunkState {
  /** The chunk as received (base64). */
  input: string
  eof: boolean
  /** Decoded on first use; replaced by getRawBody/setRawBody. */
  bytes: Uint8Array | null
  changed: boolean
}

export interface CallRecord {
  /** Pending id, unique in this isolate. */
  id: number
  phase: CallPhase
  request: RequestRecord | null
  run: RunEntry[]
  /** Index in `run` of the next plugin to start. */
  cursor: number
  /** The frame whose promise the call waits for. */
  current: Frame | null
  outcomes: PluginOutcome[]
  mutations: Mutation[]
  exit: NonNullable<PhaseResult['exit']> | null
  /** Host I/O asked for and not reported yet (the first `ioReported` went out in the last answer). */
  io: IoRequest[]
  ioReported: number
  /** The final answer was produced: nothing more happens to this call. */
  finished: boolean
  /** Host I/O asked for and not answered yet. */
  ioWaiting: number
  chunk: ChunkState | null
  /** kong.ctx.shared's JSON in the final answer: null when unchanged, undefined until it is built. */
  sharedOut: string | null | undefined
  /** The host may forget the request after this call. */
  last: boolean
  /** Arguments after `kong` for the configure phase (all configs of the plugin). */
  configureArgs: unknown[] | null
  /** configure: the handler's `phases(config)` answers, sent with the final answer (PhaseResult.phases). */
  phaseSets: Record<string, string[] | string> | null
  /** The `admin` call's api.ts request. */
  api: ApiRequest | null
  /** A value over a bridge cap was refused: the call's answer is this quota (quota.isolate.ts). */
  quota: Quota | null
  /** Characters of plugin values this call will copy out (bodies, headers). */
  chars: number
  /** Characters of kong.log lines this call carries. */
  logChars: number
}

/** PhaseResult.quota: the bridge rule a refused value broke, where, and its length. */
export interface Quota {
  rule: 'body_size' | 'header_size' | 'text_size' | 'log_size' | 'result_size'
  where: string
  length: number
  max: number
}

export interface LogLine {
  level: string
  message: string
}

export interface Frame {
  call: CallRecord
  plugin: string
  config: string
  phase: CallPhase
  bits: number
  done: boolean
  exited: boolean
  /** Set when the handler's promise settles (`value`: what it resolved to, for api.ts handlers). */
  settled: { failed: boolean; error: unknown; value?: unknown } | null
  logs: LogLine[]
  droppedLogs: number
}

export function newFrame(call: CallRecord, entry: RunEntry): Frame {
  return {
    call,
    plugin: entry.plugin,
    config: entry.config,
    phase: call.phase,
    bits: PHASE_BITS[call.phase],
    done: false,
    exited: false,
    settled: null,
    logs: [],
    droppedLogs: 0,
  }
}

/**
 * The check at the top of every PDK function: the frame is still running (else the handle is
 * stale), has not exited (else the exit sentinel again), and the phase allows the function.
 */
export function enter(frame: Frame, fn: string, allowed: number): void {
  setRunning(frame.call)
  if (frame.exited) throw new ExitSignal()
  if (frame.done) {
    throw misuse(
      fn,
      'this kong object belongs to a handler call that has ended (an earlier phase or request); use the kong object passed to the running handler',
    )
  }
  if ((frame.bits & allowed) === 0) {
    throw misuse(fn, `function cannot be called in ${frame.phase} phase (only in: ${phaseNames(allowed)})`)
  }
}

export function mutate(frame: Frame, mutation: Mutation): void {
  push(frame.call.mutations, mutation)
}

const MAX_LOG_LINES = 100
const MAX_LOG_CHARS = 8192
/**
 * kong.log text one call may carry out, all its handlers together. The host's budget per request
 * (all phases and isolates, host/chain/log-budget.ts) is the one that counts; this bounds the copy.
 */
const CALL_LOG_CHARS = 64 * 1024

/** Collects one kong.log line for the frame's outcome (capped in count and length, per line and per call). */
export function addLog(frame: Frame, level: string, message: string): void {
  const call = frame.call
  if (frame.logs.length >= MAX_LOG_LINES || call.logChars >= CALL_LOG_CHARS) {
    frame.droppedLogs++
    return
  }
  const text = bounded(message, MAX_LOG_CHARS, 'a log line')
  if (call.logChars + text.length > CALL_LOG_CHARS) {
    frame.droppedLogs++
    return
  }
  call.logChars += text.length
  push(frame.logs, { level, message: text })
}
