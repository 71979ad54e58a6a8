import type ivm from 'isolated-vm'
import { IsolateError, LimitExceeded } from './isolate-error.ts'
import type { CrossingWatchdog } from './watchdog.ts'

const UNHANDLED = 'unhandled promise rejection in the plugin isolate'

/** isolated-vm reads `timeout` as an int32 of milliseconds, and 0 means "none": never send 0. */
function timeoutOption(ms: number): number {
  return Math.min(2_147_483_647, Math.max(1, Math.ceil(ms)))
}

/**
 * Runs one synchronous call into the isolate with isolated-vm's timeout armed (the only thing that
 * can interrupt it: the host thread is blocked meanwhile), under the watchdog when there is one.
 * Failures come back as IsolateErrors (see `classify`).
 */
export function crossSync<T>(
  isolate: ivm.Isolate,
  timeoutMs: number,
  run: (timeout: number) => T,
  watchdog: CrossingWatchdog | undefined,
  label: string,
  exception = UNHANDLED,
): T {
  if (isolate.isDisposed) throw new IsolateError('isolate_disposed', 'the plugin isolate is disposed')
  const timeout = timeoutOption(timeoutMs)
  watchdog?.enter(timeout, label)
  try {
    return run(timeout)
  } catch (error) {
    throw classify(isolate, error, timeout, exception)
  } finally {
    watchdog?.leave()
  }
}

/**
 * Maps what isolated-vm threw to an IsolateError. memory_limit is decided by the isolate's real
 * state (a plugin cannot dispose its isolate); a plugin that rejects a promise with isolated-vm's
 * timeout message only gets its own isolate disposed.
 * - disposed with "memory limit" in the message → memory_limit (isolated-vm disposed it);
 * - "Script execution timed out." → cpu_limit (the timeout is armed from the CPU budget left, see
 *   runPhase), and the isolate is disposed;
 * - anything else: the fences catch every throw, so it is a promise the plugin left rejected with
 *   no handler, which isolated-vm reports after the crossing (its answer is lost) → exception;
 *   or, while a bundle is evaluated, what its top level threw (`exception` names the case).
 */
function classify(
  isolate: ivm.Isolate,
  error: unknown,
  timeoutMs: number,
  exception: string = UNHANDLED,
): IsolateError {
  const message = messageOf(error)
  if (isolate.isDisposed) {
    return message.includes('memory limit')
      ? new LimitExceeded('memory_limit', 'the plugin isolate ran out of memory')
      : new IsolateError('isolate_disposed', 'the plugin isolate was disposed')
  }
  if (message === 'Script execution timed out.') {
    isolate.dispose()
    return new LimitExceeded('cpu_limit', `the plugin ran past its crossing's timeout (${timeoutMs} ms)`)
  }
  return new IsolateError('exception', `${exception}: ${message}`, { stack: isolateStack(error) })
}

export function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string') {
    return (error as Error).message
  }
  return String(error)
}

/** The part of an isolated-vm error's stack that happened inside the isolate (no host frames). */
function isolateStack(error: unknown): string {
  const stack = typeof error === 'object' && error !== null ? (error as Error).stack : undefined
  if (typeof stack !== 'string') return `Error: ${messageOf(error)}`
  const boundary = stack.indexOf('\n    at (<isolated-vm boundary>)')
  return boundary === -1 ? stack : stack.slice(0, boundary)
}
