import type { Config } from '../config/index.ts'
import { closeDestination, flushDestination, openAsyncDestination, writeDestination } from './destinations.ts'

/** One JSON line per proxied request; `enabled` is false when proxy_access_log = off. */
export interface AccessLogger {
  readonly enabled: boolean
  /**
   * Appends one line: `time` (ISO, now unless the entry has one) and the entry's fields. Never
   * blocks on I/O; the line is written out within 100 ms (sooner once 4 KB gather).
   */
  write(entry: Record<string, unknown>): void
  /** Writes out buffered lines (the log stays open). */
  flush(): Promise<void>
  /** Flushes and closes the file (stdout stays open). */
  close(): Promise<void>
}

const DISABLED: AccessLogger = {
  enabled: false,
  write() {},
  flush: () => Promise.resolve(),
  close: () => Promise.resolve(),
}

/** The access log selected by `proxy_access_log`: stdout, an absolute file path, or off. */
export function createAccessLogger(config: Pick<Config, 'proxy_access_log'>): AccessLogger {
  const target = config.proxy_access_log
  if (target === 'off') return DISABLED
  const destination = openAsyncDestination(target === 'stdout' ? 1 : target)
  // Plain JSON lines: pino's logger would add a level the access log has no use for.
  return {
    enabled: true,
    write: (entry) =>
      writeDestination(destination, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`),
    flush: () => flushDestination(destination),
    close: () => closeDestination(destination),
  }
}
