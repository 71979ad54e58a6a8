import pino from 'pino'

/** A non-blocking log destination and what its stream's types do not expose. */
export interface AsyncDestination {
  readonly stream: ReturnType<typeof pino.destination>
  /** Settles once the file (or fd) is open; flushing before that would write to no file. */
  readonly ready: Promise<void>
  closed: boolean
}

/** Every asynchronous destination this process opened and has not closed, for closeLoggers(). */
const open = new Set<AsyncDestination>()

/** A non-blocking destination on fd 1 or a file (its folder created), tracked for closeLoggers(). */
export function openAsyncDestination(dest: string | 1): AsyncDestination {
  const stream = pino.destination({ dest, sync: false, mkdir: typeof dest === 'string', minLength: 4096 })
  const ready = new Promise<void>((resolve) => {
    stream.once('ready', () => resolve())
    stream.once('error', () => resolve())
  })
  // An unhandled 'error' would kill the process; a broken log must not take the gateway down.
  stream.on('error', (error) => process.emitWarning(`log destination ${dest}: ${error.message}`))
  const destination: AsyncDestination = { stream, ready, closed: false }
  open.add(destination)
  return destination
}

/** Writes out what is buffered; the destination stays open. */
export async function flushDestination(destination: AsyncDestination): Promise<void> {
  await destination.ready
  if (destination.closed) return
  await new Promise<void>((resolve) => destination.stream.flush(() => resolve()))
}

/** Flushes and closes (stdout is flushed, never closed). */
export async function closeDestination(destination: AsyncDestination): Promise<void> {
  if (destination.closed) return
  destination.closed = true
  open.delete(destination)
  await destination.ready
  await new Promise<void>((resolve) => {
    destination.stream.once('close', () => resolve())
    destination.stream.once('error', () => resolve())
    destination.stream.end()
  })
}

/** Graceful shutdown: flushes and closes every asynchronous log destination still open. */
export async function closeLoggers(): Promise<void> {
  await Promise.all([...open].map(closeDestination))
}
