import { describe, expect, it } from 'vitest'
import type { QuarantineEntry, StrikeReport } from '../chain/index.ts'
import { loadConfig } from '../config/index.ts'
import { createLogger } from '../log/index.ts'
import { StrikeBoard } from './strike-board.ts'

/** A board with 3 strikes in 10 s and a 30 s first quarantine, on a clock the test moves. */
function board() {
  const clock = { now: 1_000_000 }
  const lines: Record<string, unknown>[] = []
  const config = loadConfig({ cwd: '/', env: {}, overrides: { log_level: 'info' } })
  const logger = createLogger(config, { write: (line: string) => lines.push(JSON.parse(line)) })
  const published: QuarantineEntry[][] = []
  const strikes = new StrikeBoard({
    strikes: 3,
    windowMs: 10_000,
    quarantineMs: 30_000,
    logger,
    now: () => clock.now,
  })
  strikes.subscribe((list) => published.push(list))
  return { strikes, clock, lines, published }
}

const report = (plugin = 'looper', hash = 'h1', ws = 'ws1'): StrikeReport => ({
  ws,
  workspace: 'team-a',
  plugin,
  hash,
  reason: 'cpu_limit',
})

/** Strikes `report` until it is quarantined (at most `n` times); the quarantine, or null. */
function strikeOut(strikes: StrikeBoard, r: StrikeReport, n = 3): QuarantineEntry | null {
  for (let i = 0; i < n; i++) {
    const entry = strikes.strike(r)
    if (entry) return entry
  }
  return null
}

describe('StrikeBoard', () => {
  it('quarantines a plugin at the threshold within the window, per workspace and plugin', () => {
    const { strikes, clock, lines, published } = board()
    expect(strikes.strike(report())).toBeNull()
    expect(strikes.strike(report())).toBeNull()
    // Strikes older than the window no longer count.
    clock.now += 10_000
    expect(strikes.strike(report())).toBeNull()
    expect(strikes.strike(report())).toBeNull()
    // Other plugins and other workspaces have their own counts.
    expect(strikes.strike(report('other'))).toBeNull()
    expect(strikes.strike(report('looper', 'h1', 'ws2'))).toBeNull()
    expect(strikes.active()).toEqual([])
    const entry = strikes.strike(report())
    expect(entry).toMatchObject({ ws: 'ws1', plugin: 'looper', hash: 'h1', until: clock.now + 30_000 })
    expect(strikes.active()).toEqual([entry])
    expect(published).toEqual([[entry]])
    expect(lines.filter((l) => l.msg === 'plugin quarantined')).toMatchObject([
      { workspace: 'team-a', plugin: 'looper', reason: 'cpu_limit', seconds: 30 },
    ])
    // Failures of calls in flight while quarantined are not new strikes.
    for (let i = 0; i < 5; i++) expect(strikes.strike(report())).toBeNull()
    clock.now = entry!.until
    expect(strikes.active()).toEqual([])
  })

  it('doubles each repeat up to 600 s, and forgets the backoff after 600 s out of quarantine', () => {
    const { strikes, clock } = board()
    const lengths: number[] = []
    for (let i = 0; i < 7; i++) {
      const entry = strikeOut(strikes, report()) as QuarantineEntry
      lengths.push((entry.until - entry.since) / 1000)
      clock.now = entry.until
    }
    expect(lengths).toEqual([30, 60, 120, 240, 480, 600, 600])
    clock.now += 600_000
    const fresh = strikeOut(strikes, report()) as QuarantineEntry
    expect((fresh.until - fresh.since) / 1000).toBe(30)
  })

  it('ends a quarantine early only when the plugin code changes, and starts its backoff over', () => {
    const { strikes, clock, published } = board()
    const first = strikeOut(strikes, report()) as QuarantineEntry
    clock.now = first.until
    const second = strikeOut(strikes, report()) as QuarantineEntry
    expect(second.until - second.since).toBe(60_000)
    // The same code striking again changes nothing; new code (another bundle hash) ends it.
    expect(strikes.strike(report())).toBeNull()
    expect(strikes.active()).toEqual([second])
    expect(strikes.strike(report('looper', 'h2'))).toBeNull()
    expect(strikes.active()).toEqual([])
    expect(published.at(-1)).toEqual([])
    const third = strikeOut(strikes, report('looper', 'h2'), 2) as QuarantineEntry
    expect(third.until - third.since).toBe(30_000)
  })
})
