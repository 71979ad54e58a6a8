/**
 * Why a crossing into a plugin isolate failed. The codes are the `reason` values of the runtime's
 * failure log line (docs/runtime.md), plus `isolate_disposed` for a call that found its isolate
 * already gone (killed by another request's fault, or recycled and disposed).
 *
 * - `cpu_limit`, `wall_limit`, `memory_limit`: a limit stopped the plugin (→ 503).
 * - `bridge_violation`: the isolate answered something the host refuses (see BridgeViolation; → 503).
 * - `exception`: plugin code failed outside a handler the prelude could catch: a throw while a
 *   bundle was evaluated, or a promise rejected with no handler during a crossing (→ 500).
 * - `isolate_disposed`: the isolate was disposed before or during this call (→ 503).
 *
 * Every code except `exception` leaves the isolate disposed.
 */
export type IsolateErrorCode =
  | 'cpu_limit'
  | 'wall_limit'
  | 'memory_limit'
  | 'bridge_violation'
  | 'exception'
  | 'isolate_disposed'

export type LimitCode = 'cpu_limit' | 'wall_limit' | 'memory_limit'

const CODES: ReadonlySet<string> = new Set<IsolateErrorCode>([
  'cpu_limit',
  'wall_limit',
  'memory_limit',
  'bridge_violation',
  'exception',
  'isolate_disposed',
])

export class IsolateError extends Error {
  override name = 'IsolateError'
  readonly code: IsolateErrorCode
  /** The plugin whose bundle failed, when the failure is known to be one plugin's (start-up). */
  readonly plugin: string | null

  constructor(code: IsolateErrorCode, message: string, options: { plugin?: string; stack?: string } = {}) {
    super(message)
    this.code = code
    this.plugin = options.plugin ?? null
    // The isolate's own stack (isolate frames only), not the host's: mapStack turns it into .ts lines.
    if (options.stack !== undefined) this.stack = options.stack
  }
}

/** A CPU, wall-time or memory limit stopped the plugin; its isolate is disposed. */
export class LimitExceeded extends IsolateError {
  override name = 'LimitExceeded'
  declare readonly code: LimitCode

  constructor(code: LimitCode, message: string) {
    super(code, message)
  }
}

/** Duck-typed (never `instanceof`): recognises errors from another copy of this module too. */
export function isIsolateError(value: unknown): value is IsolateError {
  if (typeof value !== 'object' || value === null) return false
  const { code, name } = value as { code?: unknown; name?: unknown }
  return (
    typeof code === 'string' &&
    CODES.has(code) &&
    (name === 'IsolateError' || name === 'LimitExceeded' || name === 'BridgeViolation')
  )
}

export function isLimitExceeded(value: unknown): value is LimitExceeded {
  return (
    isIsolateError(value) &&
    (value.code === 'cpu_limit' || value.code === 'wall_limit' || value.code === 'memory_limit')
  )
}
