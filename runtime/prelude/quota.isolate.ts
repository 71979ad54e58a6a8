/**
 * Bridge caps measured inside the isolate. A plugin's string is checked on `.length` (constant
 * time, even on a rope of 400 MB) before the prelude flattens, scans, encodes or copies it: slicing
 * or encoding a rope flattens it whole, in one uninterruptible step, and can take the isolate past
 * its heap. A value over its cap fails the whole call as that bridge rule's quota (PhaseResult
 * `quota`, 503 at the host), whatever the plugin does with the error it gets.
 */
import type { CallRecord, Quota } from './call.isolate.ts'
import { misuse, type PdkError } from './errors.isolate.ts'
import { StringSlice } from './intrinsics.isolate.ts'

/** Mirrors runtime/isolate/bridge-limits.ts (the prelude knows the protocol only; a test compares). */
export const CAPS = {
  resultChars: 16 * 1024 * 1024,
  bodyChars: 12 * 1024 * 1024,
  headerNameChars: 256,
  headerValueChars: 32 * 1024,
  urlChars: 64 * 1024,
  logChars: 16 * 1024,
  textChars: 64 * 1024,
} as const

/** Longest plugin text the prelude cuts to a prefix (cutting flattens it); longer text is left out. */
export const MAX_CUTTABLE = 1024 * 1024

/** The call whose PDK function runs now (set by `enter`, which every PDK function calls first). */
let running: CallRecord | null = null

export function setRunning(call: CallRecord): void {
  running = call
}

/**
 * Records the running call's quota (the first one wins) and returns the error the PDK function
 * throws; the call's answer will be the quota whatever the handler does next.
 */
export function overQuota(
  fn: string,
  rule: Quota['rule'],
  where: string,
  length: number,
  max: number,
): PdkError {
  if (running !== null && running.quota === null) running.quota = { rule, where, length, max }
  return misuse(fn, `${where} is ${length} characters, more than ${max}`)
}

/** `text` when it fits `max`, else throws the running call's quota. */
export function capped(fn: string, rule: Quota['rule'], where: string, text: string, max: number): string {
  if (text.length > max) throw overQuota(fn, rule, where, text.length, max)
  return text
}

/**
 * Adds `chars` to what the running call will copy out; past the whole answer's cap, the call fails
 * (many values each under their own cap must not add up to an answer JSON.stringify cannot hold).
 */
export function charge(fn: string, chars: number): void {
  if (running === null) return
  running.chars += chars
  if (running.chars > CAPS.resultChars) {
    throw overQuota(fn, 'result_size', 'the call answer', running.chars, CAPS.resultChars)
  }
}

/** Free text for a log line or an error: cut to `max`, or left out whole when too long to cut. */
export function bounded(text: string, max: number, what: string): string {
  if (text.length <= max) return text
  if (text.length > MAX_CUTTABLE) return `[${what} of ${text.length} characters left out]`
  return `${StringSlice(text, 0, max)}… [truncated]`
}
