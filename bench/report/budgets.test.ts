import { describe, expect, it } from 'vitest'
import {
  type BenchSettings,
  type Budget,
  budgets,
  budgetsSection,
  crossingSection,
  type NoopCrossing,
  pluginCosts,
  type SeriesPoint,
  type Summary,
  toFixedRate,
} from './index.ts'

const settings: BenchSettings = {
  mode: 'full',
  connections: 64,
  warmup: 3,
  seconds: 10,
  rounds: 3,
  rate: 2000,
  rateSeconds: 30,
  rateConnections: 64,
  seriesRateSeconds: 5,
}

/** A contender's figures: req/s at saturation, p99 and CPU µs per request at the fixed rate. */
const row = (name: string, rps: number, p99: number, cpuUs: number, answered = 2000): Summary => ({
  name,
  rps,
  rpsMin: rps,
  rpsMax: rps,
  p50: 1,
  p99: 3,
  max: 9,
  cpuPer1k: 0.1,
  peakRssMb: 100,
  errors: 0,
  fixed: toFixedRate(
    2000,
    {
      requests: 60000,
      rps: answered,
      p50: p99 / 2,
      p99,
      max: p99 * 2,
      errors: 0,
      non2xx: 0,
      dropped: 0,
      sent: 60000,
      cpuSeconds: (cpuUs * 60000) / 1e6,
    },
    'worker',
  ),
})

const summary = [
  row('bare undici proxy', 20000, 1, 30),
  row('isogate, no plugins', 19000, 1.2, 40),
  row('isogate, key-auth (warm cache)', 15000, 1.5, 50),
  row('isogate, 5 plugins (isolation=plugin)', 6000, 40, 200, 1500),
  row('isogate, 5 plugins (isolation=workspace)', 12000, 1.7, 60),
  row('Kong-style plugin server (kong-pdk), 5 plugins', 3000, 5, 300),
]

const point = (isolation: SeriesPoint['isolation'], count: number, cpu: number | null): SeriesPoint => ({
  isolation,
  count,
  rps: 1000,
  errors: 0,
  cpuUsPerRequest: cpu,
  keptRate: true,
})

const series = [
  point('workspace', 0, 40),
  point('workspace', 1, 48),
  point('workspace', 2, 49),
  point('workspace', 5, 53),
  point('workspace', 10, 58),
  point('plugin', 0, 40),
  point('plugin', 1, 52),
  point('plugin', 5, null),
]

const crossings: NoopCrossing[] = [
  { isolation: 'workspace', phaseCalls: { count: 9000, p50: 6.5, p99: 30 }, cpuUsPerRequest: 47 },
  { isolation: 'plugin', phaseCalls: { count: 9000, p50: 9.5, p99: 31 }, cpuUsPerRequest: 49 },
]

const byFigure = (rows: Budget[]) => new Map(rows.map((b) => [b.figure, b]))

describe('pluginCosts', () => {
  it('takes the first plugin against none, and the slope over one plugin and more', () => {
    const ws = pluginCosts(series, 'workspace')
    expect(ws.first).toBeCloseTo(8)
    // Least squares over (1, 48), (2, 49), (5, 53), (10, 58): 1.1 µs per plugin.
    expect(ws.further).toBeCloseTo(1.1, 1)
    // The plugin mode's 5-plugin point has no CPU: one point is no slope.
    expect(pluginCosts(series, 'plugin')).toEqual({ first: 12 })
    expect(pluginCosts([], 'plugin')).toEqual({})
  })
})

describe('budgets', () => {
  it("measures every line of issue 12's table and says which are met", () => {
    const rows = byFigure(budgets(summary, settings, series, crossings))
    expect(rows.size).toBe(14)
    expect(rows.get('5-plugin chain, `isolation = workspace`, vs no plugins')).toMatchObject({
      budget: '≥ 60 %',
      text: '63.2 %',
      met: true,
      factor: 1,
    })
    const plugin = rows.get('5-plugin chain, `isolation = plugin`, vs no plugins')
    expect(plugin).toMatchObject({ text: '31.6 %', met: false })
    expect(plugin?.factor).toBeCloseTo(0.4 / (6000 / 19000))
    expect(rows.get('key-auth alone (warm cache) vs no plugins')).toMatchObject({ met: true })
    expect(rows.get('first trivial plugin, added worker CPU per request (workspace)')).toMatchObject({
      budget: '≤ 10 µs',
      text: '8.0 µs',
      met: true,
    })
    expect(rows.get('first trivial plugin, added worker CPU per request (plugin)')).toMatchObject({
      text: '12.0 µs',
      met: false,
    })
    expect(rows.get('each further trivial plugin (workspace)')).toMatchObject({ text: '1.1 µs', met: true })
    expect(rows.get("one crossing's own overhead: no-op plugin phase call p50 (workspace)")).toMatchObject({
      text: '6.5 µs',
      met: true,
    })
    expect(rows.get("one crossing's own overhead: no-op plugin phase call p50 (plugin)")).toMatchObject({
      budget: '≤ 8 µs',
      met: false,
    })
    expect(rows.get('worker CPU per request, 5-plugin chain (workspace) vs no plugins')).toMatchObject({
      text: '1.50×',
      met: true,
    })
    expect(rows.get('vs the Kong-style plugin server, same five plugins (workspace)')).toMatchObject({
      text: '4.00×',
      met: true,
    })
    expect(rows.get('vs the Kong-style plugin server, same five plugins (plugin)')).toMatchObject({
      text: '2.00×',
      met: false,
    })
    expect(rows.get('p99 added by the chain at 2,000 req/s (workspace)')).toMatchObject({
      budget: '≤ 1 ms',
      text: '+0.50 ms',
      met: true,
    })
    // 1,500 of 2,000 req/s answered: its latency is a queue, and the budget is missed.
    expect(rows.get('p99 added by the chain at 2,000 req/s (plugin)')).toMatchObject({
      text: 'did not keep the rate',
      met: false,
    })
    expect(rows.get('no plugins vs bare undici proxy')).toMatchObject({ text: '95.0 %', met: true })
  })

  it('says what was not measured, and when the p99 was not at 2,000 req/s over 30 s', () => {
    const quick = { ...settings, rate: 200, rateSeconds: 0.5 }
    const rows = byFigure(budgets(summary.slice(0, 2), quick))
    expect(rows.get('each further trivial plugin (workspace)')).toMatchObject({
      text: 'not measured',
      measured: null,
      met: null,
    })
    const short = byFigure(budgets(summary, quick))
    expect(short.get('p99 added by the chain at 2,000 req/s (workspace)')?.text).toBe(
      '+0.50 ms (at 200 req/s over 0.5 s)',
    )
  })

  it('renders the table with each miss and its multiple', () => {
    const md = budgetsSection(budgets(summary, settings, series, crossings)).join('\n')
    expect(md).toContain('## Budgets (issue 12)')
    expect(md).toContain('| figure | budget | measured | met? |')
    expect(md).toContain('| 5-plugin chain, `isolation = workspace`, vs no plugins | ≥ 60 % | 63.2 % | yes |')
    expect(md).toContain(
      '| first trivial plugin, added worker CPU per request (plugin) | ≤ 10 µs | 12.0 µs | **no** (×1.2) |',
    )
    expect(md).toContain(
      '| vs the Kong-style plugin server, same five plugins (plugin) | ≥ 3× | 2.00× | **no** (×1.5) |',
    )
    expect(budgetsSection([])).toEqual([])
  })
})

describe('crossingSection', () => {
  it("shows each mode's no-op phase calls and the worker's CPU", () => {
    expect(crossingSection(undefined)).toEqual([])
    const md = crossingSection(crossings, 2000).join('\n')
    expect(md).toContain("## One crossing's own price")
    expect(md).toContain('| workspace | 9000 | 6.5 | 30.0 | 47.0 |')
    expect(md).toContain('| plugin | 9000 | 9.5 | 31.0 | 49.0 |')
  })
})
