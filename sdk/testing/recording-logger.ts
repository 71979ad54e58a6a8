import type { FailureReason } from '../../host/chain/index.ts'
import { createLogger, type Logger } from '../../host/log/index.ts'
import type { PhaseName } from '../../runtime/protocol.ts'
import type { PluginFailure, PluginLogLine } from './types.ts'

/** One line of the gateway's error log, as pino wrote it. */
interface LogRecord {
  level: string
  msg: string
  phase?: PhaseName
  reason?: FailureReason
  detail?: string
  stack?: string
}

/**
 * The gateway's own error logger, writing into memory: the plugin's `kong.log` lines and the one
 * "plugin failed" line per failure are read back from exactly what the gateway would log.
 */
export class RecordingLogger {
  readonly logger: Logger
  readonly #records: LogRecord[] = []

  constructor() {
    this.logger = createLogger(
      { log_level: 'debug' },
      { write: (line: string) => void this.#records.push(JSON.parse(line) as LogRecord) },
    )
  }

  /** The plugin's own lines (the gateway's failure lines carry a `reason`; plugin lines never do). */
  pluginLines(): PluginLogLine[] {
    return this.#records.flatMap((record) =>
      record.reason === undefined && record.phase !== undefined
        ? [{ level: record.level, message: record.msg, phase: record.phase }]
        : [],
    )
  }

  firstFailure(): PluginFailure | null {
    const record = this.#records.find((line) => line.reason !== undefined && line.msg === 'plugin failed')
    if (record === undefined || record.phase === undefined || record.reason === undefined) return null
    return {
      phase: record.phase,
      reason: record.reason,
      message: record.detail ?? '',
      stack: record.stack ?? null,
    }
  }
}
