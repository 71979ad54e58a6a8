import type { FailureReason } from '../../host/chain/index.ts'
import { createLogger, type Logger } from '../../host/log/index.ts'
import type { PhaseName } from '../../runtime/protocol.ts'
import type { PluginFailure, PluginLogLine } from './types.ts'

/** One line of the gateway's error log, as pino wrote it. */
interface LogRecord {
  level: string
  msg: string
  plugin?: string
  phase?: PhaseName
  reason?: FailureReason
  detail?: string
  stack?: string
}

/**
 * The gateway's own error logger, writing into memory: the plugin's `kong.log` lines and the one
 * "plugin failed" line per failure are read back from exactly what the gateway logged.
 */
export class RecordingLogger {
  readonly logger: Logger
  readonly #records: LogRecord[] = []
  #waiting: { plugin: string; resolve: (line: LogRecord) => void } | null = null

  constructor() {
    this.logger = createLogger({ log_level: 'debug' }, { write: (line: string) => this.#record(line) })
  }

  #record(line: string): void {
    const record = JSON.parse(line) as LogRecord
    this.#records.push(record)
    if (this.#waiting !== null && isPluginLine(record, this.#waiting.plugin)) this.#waiting.resolve(record)
  }

  /** The first line `plugin` logs with kong.log, or null when none came within `ms`. */
  async firstLineOf(plugin: string, ms: number): Promise<string | null> {
    const found = this.#records.find((record) => isPluginLine(record, plugin))
    if (found !== undefined) return found.msg
    let timer: NodeJS.Timeout | undefined
    const line = await new Promise<LogRecord | null>((resolve) => {
      this.#waiting = { plugin, resolve }
      timer = setTimeout(() => resolve(null), ms)
    })
    clearTimeout(timer)
    this.#waiting = null
    return line?.msg ?? null
  }

  /** The plugin's own lines (the gateway's failure lines carry a `reason`; plugin lines never do). */
  pluginLines(plugin: string): PluginLogLine[] {
    return this.#records.flatMap((record) =>
      isPluginLine(record, plugin) && record.phase !== undefined
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

const isPluginLine = (record: LogRecord, plugin: string): boolean =>
  record.plugin === plugin && record.reason === undefined && record.phase !== undefined
