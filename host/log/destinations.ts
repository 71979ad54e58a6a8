import pino from 'pino'

/** A non-blocking log destination and what its stream's types do not expose. */
export interface AsyncDestination {
  readonly stream: ReturnType<typeof pino.destination>
  /** Settles once the file (or fd) is open; flushing before that would write to no file. */
  readonly ready: Promise<void>
  closed: boolean
  /** Bytes handed to the stream and not yet written out. */
  pending: number
  /** Armed by the first buffered line: writes the buffer out FLUSH_AFTER_MS later. */
  timer: NodeJS.Timeout | undefined
}

/** Writes are gathered into 4 KB for throughput; no line waits longer than this for the rest. */
const FLUSH_AFTER_MS = 50
const MIN_WRITE = 4096

/** Every asynchronous destination this process opened and has not closed, for closeLoggers(). */
const open = new Set<AsyncDestination>()

/**
 * A non-blocking destination on fd 1 or a file (its folder created), tracked for closeLoggers().
 * A process exiting without closing it (process.exit after a fatal error) loses nothing: pino
 * writes an asynchronous destination's buffer out synchronously on 'exit'.
 */
export function openAsyncDestination(dest: string | 1): AsyncDestination {
  const stream = pino.destination({
    dest,
    sync: false,
    mkdir: typeof dest === 'string',
    minLength: MIN_WRITE,
  })
  const ready = new Promise<void>((resolve) => {
    stream.once('ready', () => resolve())
    stream.once('error', () => resolve())
  })
  const destination: AsyncDestination = { stream, ready, closed: false, pending: 0, timer: undefined }
  stream.on('write', (bytes: number) => {
    destination.pending -= bytes
  })
  // An unhandled 'error' would kill the process; a broken log must not take the gateway down.
  stream.on('error', (error) => {
    // The next line tries again; no timer keeps retrying a broken file on its own.
    destination.pending = 0
    process.emitWarning(`log destination ${dest}: ${error.message}`)
  })
  open.add(destination)
  return destination
}

/** Buffers `text`; it is written out once 4 KB have gathered or FLUSH_AFTER_MS later. Never blocks. */
export function writeDestination(destination: AsyncDestination, text: string): void {
  if (destination.closed) return
  destination.stream.write(text)
  destination.pending += Buffer.byteLength(text)
  destination.timer ??= setTimeout(timedFlush, FLUSH_AFTER_MS, destination).unref()
}

function timedFlush(destination: AsyncDestination): void {
  destination.timer = undefined
  if (destination.closed || destination.pending <= 0) return
  // Writes the buffer unless a write is under way (or the file still opening): the next round,
  // armed while anything is pending, takes what that write left.
  destination.stream.flush()
  destination.timer = setTimeout(timedFlush, FLUSH_AFTER_MS, destination).unref()
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
  clearTimeout(destination.timer)
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
