/**
 * A mistake of the person running isogate (bad configuration, missing file, bad flag): the CLI
 * prints its message as one line and exits non-zero, without a stack trace. `problems` holds one
 * line per mistake when several were found at once (`isogate check` reports them all).
 */
export class UserError extends Error {
  readonly code: string
  readonly problems: readonly string[]

  constructor(code: string, message: string, problems: readonly string[] = [message]) {
    super(message)
    this.name = 'UserError'
    this.code = code
    this.problems = problems
  }
}

export function isUserError(value: unknown): value is UserError {
  return value instanceof Error && value.name === 'UserError'
}

/** Several mistakes as one UserError (the first one's code), or that one mistake itself. */
export function combineUserErrors(errors: readonly UserError[]): UserError {
  if (errors.length === 1) return errors[0] as UserError
  const problems = errors.flatMap((error) => error.problems)
  return new UserError(errors[0]?.code ?? 'INVALID', problems.join('; '), problems)
}

/** An operator mistake in one configuration key, worded `<key> <value>: <reason>`. */
export function keyError(code: string, key: string, value: string, reason: string): UserError {
  return new UserError(code, `${key} ${value}: ${reason}`)
}
