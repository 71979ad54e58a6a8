import { IsolateError, isIsolateError } from './isolate-error.ts'

/** Which rule an isolate's answer broke; one name per check so a log line says exactly what. */
export type BridgeRule =
  /** The answer was not a string (the in-isolate fence reports the type). */
  | 'result_type'
  /** The answer was longer than BRIDGE_LIMITS.resultChars. */
  | 'result_size'
  /** The answer was not JSON. */
  | 'json'
  /** The prelude's dispatch/meta/adopt threw instead of answering. */
  | 'dispatch_threw'
  /** A field had the wrong type, or a required one was missing. */
  | 'shape'
  /** `seq` did not echo the crossing's sequence number. */
  | 'seq'
  | 'mutation_count'
  | 'mutation_op'
  /** Not an HTTP token, or longer than BRIDGE_LIMITS.headerNameChars. */
  | 'header_name'
  /** CR, LF, NUL or another control character, a character above U+00FF, or too long. */
  | 'header_value'
  /** A header value longer than BRIDGE_LIMITS.headerValueChars (a quota: 503). */
  | 'header_size'
  | 'header_count'
  /** Not an integer in 100–599. */
  | 'status'
  | 'body_size'
  | 'base64'
  | 'method'
  | 'scheme'
  | 'path'
  | 'query'
  | 'target'
  /** A number outside its range, or not an integer where one is needed. */
  | 'number'
  | 'log_count'
  | 'log_size'
  | 'text_size'
  /** Malformed I/O requests: too many, duplicate ids, an unknown op, io without pending. */
  | 'io'
  /** An outcome for a plugin instance the call did not run, or too many outcomes. */
  | 'outcome'
  /** The prelude answered `fault`: it could not process the message, so nothing ran. */
  | 'fault'
  /** One phase call needed more crossings than BRIDGE_LIMITS.crossingsPerCall. */
  | 'crossing_count'

/**
 * The isolate answered something the host refuses to use. The isolate is disposed: a prelude that
 * breaks the protocol is either broken or tampered with, and neither is trusted again.
 */
export class BridgeViolation extends IsolateError {
  override name = 'BridgeViolation'
  declare readonly code: 'bridge_violation'
  readonly rule: BridgeRule

  constructor(rule: BridgeRule, message: string) {
    super('bridge_violation', `bridge violation (${rule}): ${message}`)
    this.rule = rule
  }
}

export function isBridgeViolation(value: unknown): value is BridgeViolation {
  return (
    isIsolateError(value) &&
    value.code === 'bridge_violation' &&
    typeof (value as { rule?: unknown }).rule === 'string'
  )
}

/** Rules that are quotas (SPEC §5: a limit, 503); every other broken rule is a bad message (500). */
const QUOTA_RULES: ReadonlySet<BridgeRule> = new Set<BridgeRule>([
  'result_size',
  'mutation_count',
  'header_count',
  'header_size',
  'body_size',
  'log_count',
  'log_size',
  'text_size',
  'crossing_count',
])

export function isQuota(error: unknown): error is BridgeViolation {
  return isBridgeViolation(error) && QUOTA_RULES.has(error.rule)
}
