import type { QuarantineEntry, StrikeReport } from '../chain/index.ts'
import type { Config } from '../config/index.ts'
import type { Logger } from '../log/index.ts'

/** The longest quarantine: the doubling stops here. */
const MAX_QUARANTINE_MS = 600_000
/** A plugin that stays out of quarantine this long after one ended starts its backoff over. */
const FORGET_AFTER_MS = MAX_QUARANTINE_MS

export interface StrikeBoardOptions {
  /** Limit failures within `windowMs` that quarantine a plugin (plugin_strikes). */
  strikes: number
  windowMs: number
  /** The first quarantine's length (plugin_quarantine); each repeat doubles it, up to 600 s. */
  quarantineMs: number
  logger: Logger
  /** Epoch ms (tests inject a clock; workers compare `until` with their own Date.now()). */
  now?: () => number
}

/** One plugin of one workspace: its recent strikes and its quarantine history, for one code hash. */
interface PluginRecord {
  hash: string
  strikes: number[]
  /** Quarantines so far without a long enough quiet spell between them (the doubling exponent). */
  repeats: number
  current: QuarantineEntry | null
}

/**
 * The node's strike counter (in the supervisor, so more workers give no more strikes and a
 * replaced worker forgets none): limit failures of a workspace's plugin past `strikes` within
 * the window quarantine it on every worker. A quarantine ends by itself; it ends early only when
 * the plugin's code changes (a strike or a report from other code resets its record). Changes of
 * the list are pushed to `listeners` (the workers).
 */
export class StrikeBoard {
  private readonly records = new Map<string, PluginRecord>()
  private readonly listeners = new Set<(list: QuarantineEntry[]) => void>()
  private readonly now: () => number

  constructor(private readonly options: StrikeBoardOptions) {
    this.now = options.now ?? Date.now
  }

  /** Counts a limit failure; answers the quarantine it started, if any. */
  strike(report: StrikeReport): QuarantineEntry | null {
    const now = this.now()
    const id = `${report.ws}\n${report.plugin}`
    let record = this.records.get(id)
    if (record !== undefined && record.hash !== report.hash) {
      // Other code: the old quarantine and backoff were about code that no longer runs.
      const ended = record.current !== null && now < record.current.until
      this.records.delete(id)
      record = undefined
      if (ended) this.publish()
    }
    if (record === undefined) {
      record = { hash: report.hash, strikes: [], repeats: 0, current: null }
      this.records.set(id, record)
    }
    const { current } = record
    // Calls in flight when the quarantine began may still fail: they are not new strikes.
    if (current !== null && now < current.until) return null
    if (current !== null && now - current.until >= FORGET_AFTER_MS) {
      record.repeats = 0
      record.current = null
    }
    record.strikes = record.strikes.filter((at) => now - at < this.options.windowMs)
    record.strikes.push(now)
    if (record.strikes.length < this.options.strikes) return null
    const ms = Math.min(this.options.quarantineMs * 2 ** record.repeats, MAX_QUARANTINE_MS)
    const entry: QuarantineEntry = {
      ws: report.ws,
      workspace: report.workspace,
      plugin: report.plugin,
      hash: report.hash,
      since: now,
      until: now + ms,
    }
    record.current = entry
    record.repeats++
    record.strikes = []
    this.options.logger.error(
      {
        workspace: report.workspace,
        plugin: report.plugin,
        reason: report.reason,
        strikes: this.options.strikes,
        seconds: ms / 1000,
      },
      'plugin quarantined',
    )
    this.publish()
    return entry
  }

  /** Quarantines in force now. */
  active(): QuarantineEntry[] {
    const now = this.now()
    const list: QuarantineEntry[] = []
    for (const record of this.records.values()) {
      if (record.current !== null && now < record.current.until) list.push(record.current)
    }
    return list
  }

  /** `listener` gets the list on every change (and should be given `active()` when it starts). */
  subscribe(listener: (list: QuarantineEntry[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private publish(): void {
    const list = this.active()
    for (const listener of this.listeners) listener(list)
  }
}

/** The board for a node's configuration. */
export function strikeBoard(
  config: Pick<Config, 'plugin_strikes' | 'plugin_strike_window' | 'plugin_quarantine'>,
  logger: Logger,
): StrikeBoard {
  return new StrikeBoard({
    strikes: config.plugin_strikes,
    windowMs: config.plugin_strike_window * 1000,
    quarantineMs: config.plugin_quarantine * 1000,
    logger,
  })
}
