import pino from 'pino'
import type { Config, LogLevel } from '../config/index.ts'

/** Kong's (nginx's) levels as pino custom levels, lowest first. */
export const LEVEL_VALUES: Record<LogLevel, number> = {
  debug: 20,
  info: 30,
  notice: 35,
  warn: 40,
  error: 50,
  crit: 60,
  alert: 70,
  emerg: 80,
}

/** The error log: `logger.notice(...)`, `logger.crit(...)`, ... with Kong's level names. */
export type Logger = pino.Logger<LogLevel, true>

/**
 * The node's error log: JSON lines with `level` as Kong's name, ISO `time` and `pid` (several
 * worker processes share the output). Writes synchronously by default so the last lines before a
 * crash are not lost; this log carries little volume, unlike the access log.
 */
export function createLogger(
  config: Pick<Config, 'log_level'>,
  destination?: pino.DestinationStream,
): Logger {
  return pino<LogLevel, true>(
    {
      level: config.log_level,
      customLevels: LEVEL_VALUES,
      useOnlyCustomLevels: true,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  )
}
