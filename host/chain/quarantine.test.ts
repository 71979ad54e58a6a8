import { describe, expect, it } from 'vitest'
import { PluginQuarantine, type QuarantineEntry, type StrikeReport } from './quarantine.ts'

const entry = (until: number): QuarantineEntry => ({
  ws: 'ws1',
  workspace: 'team-a',
  plugin: 'looper',
  hash: 'h1',
  since: 0,
  until,
})

describe('PluginQuarantine', () => {
  it('holds the plugin only for the listed code and until the end', () => {
    const q = new PluginQuarantine(() => {})
    const held = entry(5_000)
    q.apply([held])
    expect(q.holding('ws1', 'looper', 'h1', 4_999)).toBe(held)
    expect(q.holding('ws1', 'looper', 'h1', 5_000)).toBeNull()
    expect(q.holding('ws1', 'looper', 'h2', 1_000)).toBeNull()
    expect(q.holding('ws2', 'looper', 'h1', 1_000)).toBeNull()
    expect(q.holding('ws1', 'other', 'h1', 1_000)).toBeNull()
    q.apply([])
    expect(q.holding('ws1', 'looper', 'h1', 1_000)).toBeNull()
  })

  it('asks for the first refusal to be logged at once, then one line per 10 s with the count', () => {
    const q = new PluginQuarantine(() => {})
    const held = entry(100_000)
    q.apply([held])
    expect(q.refused(held, 0)).toBe(1)
    expect(q.refused(held, 1_000)).toBeNull()
    expect(q.refused(held, 9_999)).toBeNull()
    expect(q.refused(held, 10_000)).toBe(3)
    expect(q.refused(held, 12_000)).toBeNull()
    // A new quarantine logs its first refusal at once.
    const again = entry(200_000)
    q.apply([again])
    expect(q.refused(again, 13_000)).toBe(1)
  })

  it('reports limit failures as strikes, not plugin exceptions', () => {
    const reports: StrikeReport[] = []
    const q = new PluginQuarantine((r) => reports.push(r))
    const entries = [{ plugin: { name: 'looper', bundle: { hash: 'h1' } } }] as never
    q.strike(
      'ws1',
      'team-a',
      { reason: 'exception', plugin: 'looper', phase: 'access', status: 500 },
      entries,
    )
    q.strike(
      'ws1',
      'team-a',
      { reason: 'cpu_limit', plugin: 'looper', phase: 'access', status: 503 },
      entries,
    )
    expect(reports).toEqual([
      { ws: 'ws1', workspace: 'team-a', plugin: 'looper', hash: 'h1', reason: 'cpu_limit' },
    ])
  })
})
