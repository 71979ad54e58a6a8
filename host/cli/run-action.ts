import { isGatewayError, isUserError } from '../errors/index.ts'

/**
 * Runs a command's action: operator mistakes (UserError, a GatewayError from the data layer) are
 * printed as one line each and exit 1; anything else is a bug and keeps its stack (exit 2).
 */
export function runAction<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args)
    } catch (error) {
      if (isUserError(error)) {
        for (const problem of error.problems) process.stderr.write(`Error: ${problem}\n`)
        process.exitCode = 1
      } else if (isGatewayError(error)) {
        process.stderr.write(`Error: ${error.message}\n`)
        process.exitCode = 1
      } else {
        process.stderr.write(
          `Error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        )
        process.exitCode = 2
      }
    }
  }
}
