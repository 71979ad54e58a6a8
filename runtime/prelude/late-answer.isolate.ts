/**
 * One crossing per phase call, also for async handlers. isolated-vm runs the isolate's microtasks
 * before it copies a call's answer out, so a handler awaiting only settled promises (a kong.cache
 * hit, an async function without host I/O) finishes inside the crossing that started it. The gate
 * hands each dispatch a `late` function writing into that crossing's answer box; the call the
 * crossing is about updates it whenever it moves on during the microtasks (finished, or asking for
 * new host I/O), so the host gets the call's latest state and needs no `resume` just to collect it.
 */
import type { CallRecord } from './call.isolate.ts'

/** The gate's writer: a text replaces the crossing's answer; null asks for a box (late answers may follow). */
export type Late = (text: string | null) => void

interface Crossing {
  record: CallRecord
  seq: number
  late: Late
  /** Still inside dispatch: answers go out as its return value, not late. */
  sync: boolean
  /** An update is running (a handler started by it asked for I/O): that update reports it. */
  updating: boolean
}

let crossing: Crossing | null = null
let advanceHook: ((record: CallRecord, seq: number) => string) | null = null

/** run-call registers how to move a call on (kept here to avoid an import cycle with io). */
export function onAdvance(advance: (record: CallRecord, seq: number) => string): void {
  advanceHook = advance
}

/** A dispatch for `record` starts; without `late` (a host without boxes) nothing is late. */
export function beginCrossing(record: CallRecord, seq: number, late: unknown): void {
  crossing =
    typeof late === 'function' ? { record, seq, late: late as Late, sync: true, updating: false } : null
}

/** The dispatch returned `text`: a pending answer gets a box so later progress can replace it. */
export function endDispatch(text: string, pending: boolean): string {
  const current = crossing
  if (current === null) return text
  current.sync = false
  if (pending) current.late(null)
  else crossing = null
  return text
}

/** The call moved on during the microtasks (a handler settled, or asked for host I/O). */
export function callChanged(record: CallRecord): void {
  const current = crossing
  if (current === null || current.record !== record || current.sync || current.updating) return
  if (advanceHook === null) return
  current.updating = true
  try {
    current.late(advanceHook(record, current.seq))
  } finally {
    current.updating = false
  }
  if (record.finished) crossing = null
}
