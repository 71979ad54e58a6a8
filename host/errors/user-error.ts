/**
 * A mistake of the person running isogate (bad configuration, missing file, bad flag): the CLI
 * prints its message as one line and exits non-zero, without a stack trace.
 */
export class UserError extends Error {
  readonly code: string

  constructor(code: string, message: string) {
    super(message)
    this.name = 'UserError'
    this.code = code
  }
}

export function isUserError(value: unknown): value is UserError {
  return value instanceof Error && value.name === 'UserError'
}
