import type { PhaseName } from '../../runtime/protocol.ts'
import type { Logger } from '../log/index.ts'
import type { ChainEntry } from '../plugins/index.ts'
import type { FailureReason, PhaseFailure } from './phase-call.ts'

/** One plugin of one workspace whose code must not run until `until` (epoch ms), while it is `hash`. */
export interface QuarantineEntry {
  ws: string
  /** The workspace's name (for logs, /status and /metrics). */
  workspace: string
  plugin: string
  /** The plugin's bundle hash: other code (a new version) is not held by this quarantine. */
  hash: string
  since: number
  until: number
}

/** A limit failure of a plugin, reported to the node's strike board (the supervisor). */
export interface StrikeReport {
  ws: string
  workspace: string
  plugin: string
  hash: string
  reason: FailureReason
}

/** The failures that count as strikes: the plugin hit a limit, not a bug of its own. */
const STRIKES: ReadonlySet<string> = new Set<FailureReason>([
  'cpu_limit',
  'wall_limit',
  'memory_limit',
  'bridge_violation',
])
/** At most one `quarantined` line per plugin in this time, carrying the count of requests refused. */
const LOG_EVERY_MS = 10_000

/**
 * A worker's view of the node's quarantines (the supervisor decides, see StrikeBoard, and sends
 * the whole list to every worker); its limit failures go the other way as strike reports.
 */
export class PluginQuarantine {
  private held = new Map<string, QuarantineEntry>()
  /** Per held plugin: when its last `quarantined` line was written, and refusals since. */
  private readonly lines = new Map<string, { entry: QuarantineEntry; at: number; count: number }>()

  constructor(private readonly report: (strike: StrikeReport) => void) {}

  /** Replaces the list (the supervisor sends it whole on every change and to new workers). */
  apply(list: readonly QuarantineEntry[]): void {
    this.held = new Map(list.map((entry) => [heldId(entry.ws, entry.plugin), entry]))
    for (const id of this.lines.keys()) if (!this.held.has(id)) this.lines.delete(id)
  }

  /** Whether any quarantine was sent: when none was, calls skip the per-entry check. */
  get holdsAny(): boolean {
    return this.held.size > 0
  }

  /** The quarantine holding this code of `plugin` in `ws` now, or null. */
  holding(ws: string, plugin: string, hash: string, now = Date.now()): QuarantineEntry | null {
    const entry = this.held.get(heldId(ws, plugin))
    return entry !== undefined && entry.hash === hash && now < entry.until ? entry : null
  }

  /** A refused request: the count to log when a line is due (the first at once), else null. */
  refused(entry: QuarantineEntry, now = Date.now()): number | null {
    const id = heldId(entry.ws, entry.plugin)
    let line = this.lines.get(id)
    if (line === undefined || line.entry !== entry) {
      line = { entry, at: now, count: 0 }
      this.lines.set(id, line)
      return 1
    }
    line.count++
    if (now - line.at < LOG_EVERY_MS) return null
    const count = line.count
    line.at = now
    line.count = 0
    return count
  }

  /** Reports a failure to the strike board when it is a limit failure. */
  strike(ws: string, workspace: string, failure: PhaseFailure, entries: readonly ChainEntry[]): void {
    const entry = entries.find((e) => e.plugin.name === failure.plugin)
    if (entry === undefined || !STRIKES.has(failure.reason)) return
    const reason = failure.reason as FailureReason
    this.report({ ws, workspace, plugin: failure.plugin, hash: entry.plugin.bundle.hash, reason })
  }
}

/**
 * Before a call (when the worker holds any quarantine): a quarantined plugin's code does not run. In rewrite and access the request fails
 * closed (503: it would have run and may be the one guarding the route); in later phases its
 * calls are skipped. Returns the failure, or the entries still to call.
 */
export function holdBack(
  quarantine: PluginQuarantine,
  logger: Logger,
  request: { ws: string; workspace: string; id: string },
  phase: PhaseName,
  group: readonly ChainEntry[],
): { failure: PhaseFailure } | { group: readonly ChainEntry[] } {
  const now = Date.now()
  const held = group.flatMap((entry) => {
    const hold = quarantine.holding(request.ws, entry.plugin.name, entry.plugin.bundle.hash, now)
    return hold === null ? [] : [hold]
  })
  if (held.length === 0) return { group }
  if (phase !== 'rewrite' && phase !== 'access') {
    return { group: group.filter((entry) => !held.some((hold) => hold.plugin === entry.plugin.name)) }
  }
  const hold = held[0] as QuarantineEntry
  const count = quarantine.refused(hold, now)
  if (count !== null) {
    logger.error(
      {
        workspace: request.workspace,
        plugin: hold.plugin,
        phase,
        reason: 'quarantined',
        request_id: request.id,
        detail: `quarantined until ${new Date(hold.until).toISOString()}`,
        count,
      },
      'plugin failed',
    )
  }
  return { failure: { reason: 'quarantined', plugin: hold.plugin, phase, status: 503 } }
}

const heldId = (ws: string, plugin: string) => `${ws}\n${plugin}`
