import { type IsolateError, isQuota } from '../../runtime/isolate/index.ts'
import type { Logger } from '../log/index.ts'
import type { FailureReason, PhaseFailure } from './phase-call.ts'

const LIMITS: ReadonlySet<string> = new Set(['cpu_limit', 'wall_limit', 'memory_limit'])

/**
 * A configure crossing the isolate could not finish (a limit: `phases(config)` or `configure`
 * looping; a broken answer) fails the request that needed it as a phase call would: the one
 * failure line, 503 for limits (the isolate was disposed and is rebuilt), 500 otherwise.
 */
export function configureFailure(
  error: IsolateError,
  logger: Logger,
  request: { workspace: string; id: string },
  plugin: string,
): PhaseFailure {
  const reason: FailureReason = LIMITS.has(error.code)
    ? (error.code as FailureReason)
    : error.code === 'exception'
      ? 'exception'
      : 'bridge_violation'
  logger.error(
    {
      workspace: request.workspace,
      plugin,
      phase: 'configure',
      reason,
      request_id: request.id,
      detail: error.message,
    },
    'plugin failed',
  )
  const status = LIMITS.has(error.code) || isQuota(error) ? 503 : 500
  return { reason, plugin, phase: 'configure', status }
}
