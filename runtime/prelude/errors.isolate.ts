import { define, ErrorCtor } from './intrinsics.isolate.ts'

/**
 * A PDK misuse or a failed PDK operation (Kong's `error(...)` and `nil, err` returns). The name
 * matches kong-js-pdk's, so `err.name === 'PDKError'` checks written for it keep working.
 */
export class PdkError extends ErrorCtor {
  constructor(message: string) {
    super(message)
  }
}
define(PdkError.prototype, 'name', 'PDKError')

/**
 * Thrown by kong.response.exit/error so the handler's own code after the call never runs. The
 * exit is recorded before this is thrown: a plugin that catches it cannot undo the exit, and any
 * further PDK call from that handler throws it again.
 */
export class ExitSignal extends ErrorCtor {
  constructor() {
    super('kong.response.exit() ended this handler; code after it does not run')
  }
}
define(ExitSignal.prototype, 'name', 'KongExit')

/** `kong.request.getHeader: header name must be a string` (Kong's text, named after the call). */
export function misuse(fn: string, message: string): PdkError {
  return new PdkError(`${fn}: ${message}`)
}
