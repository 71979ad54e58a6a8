import { describe, expect, it } from 'vitest'
import {
  CHARTS,
  compare,
  IN_PROCESS,
  type Machine,
  PLUGIN_SERVER,
  renderCharts,
  renderMarkdown,
  type Summary,
  toFixedRate,
} from './index.ts'

const machine: Machine = {
  cpu: 'Test CPU',
  cores: 2,
  memoryGb: 8,
  os: 'linux 6.1',
  node: 'v20.20.2',
  isogate: '0.1.0 (abc1234)',
  autocannon: '8.0.0',
  nginx: null,
  date: '2026-01-01T00:00:00.000Z',
  settings: {
    mode: 'quick',
    connections: 32,
    warmup: 1,
    seconds: 3,
    rounds: 3,
    rate: 2000,
    rateSeconds: 3,
    rateConnections: 64,
    seriesRateSeconds: 1,
  },
}

const load = { requests: 6000, errors: 0, non2xx: 0, dropped: 0 }
const row = (name: string, rps: number, p99AtRate: number, answered = 2000, cpuUs?: number): Summary => ({
  name,
  rps,
  rpsMin: rps,
  rpsMax: rps,
  p50: 1,
  p99: 3,
  max: 9,
  cpuPer1k: 0.04,
  peakRssMb: 100,
  errors: 0,
  fixed: toFixedRate(
    2000,
    {
      ...load,
      rps: answered,
      p50: p99AtRate / 2,
      p99: p99AtRate,
      max: p99AtRate * 2,
      ...(cpuUs === undefined ? {} : { sent: 4000, cpuSeconds: (cpuUs * 4000) / 1e6 }),
    },
    cpuUs === undefined ? null : 'worker',
  ),
})

const base = [
  row('upstream alone', 70000, 0.4),
  row('bare undici proxy', 20000, 0.8),
  row('isogate, no plugins', 16000, 1),
  row('isogate, 5 plugins (isolation=plugin)', 2000, 400, 1700),
  row('isogate, 5 plugins (isolation=workspace)', 4000, 1.5),
]
const withInProcess = [...base, row(IN_PROCESS, 8000, 1.25)]

describe('compare', () => {
  it('gives each row only the ratios that apply to it', () => {
    expect(compare(base[0] as Summary, base)).toEqual({})
    expect(compare(base[1] as Summary, base)).toEqual({})
    expect(compare(base[2] as Summary, base)).toEqual({ vsBare: 0.8 })
    expect(compare(base[4] as Summary, withInProcess)).toEqual({
      vsBare: 0.2,
      vsNoPlugins: 0.25,
      vsInProcess: 0.5,
      p99Added: 0.5,
    })
    expect(compare(withInProcess[5] as Summary, withInProcess)).toEqual({
      vsBare: 0.4,
      vsNoPlugins: 0.5,
      p99Added: 0.25,
    })
  })

  it('gives the isolated chains their multiple of the Kong-style plugin server', () => {
    const all = [...withInProcess, row(PLUGIN_SERVER, 1000, 2)]
    expect(compare(all[4] as Summary, all).vsPluginServer).toBe(4)
    expect(compare(all[3] as Summary, all).vsPluginServer).toBe(2)
    expect(compare(all[6] as Summary, all)).toEqual({ vsBare: 0.05 })
    const md = renderMarkdown(machine, all)
    expect(md).toContain('| vs plugin server |')
    expect(md).toMatch(/\| isogate, 5 plugins \(isolation=workspace\) \|.*\| 4\.00× \|/)
    expect(renderMarkdown(machine, withInProcess)).not.toContain('vs plugin server')
  })

  it('has no in-process ratio while no in-process contender ran', () => {
    expect(compare(base[4] as Summary, base).vsInProcess).toBeUndefined()
  })
})

describe('toFixedRate', () => {
  it('keeps the rate at 95 % of it answered and nothing dropped', () => {
    const at = (rps: number, dropped = 0) =>
      toFixedRate(2000, { ...load, rps, dropped, p50: 1, p99: 2, max: 3 }).kept
    expect([at(1999), at(1900), at(1899), at(2000, 1)]).toEqual([true, true, false, false])
  })
})

describe('renderMarkdown', () => {
  it('starts with the machine, versions and settings, and links the charts', () => {
    const md = renderMarkdown(machine, base)
    expect(md).toContain('- **machine**: Test CPU, 2 cores, 8 GB, linux 6.1')
    expect(md).toContain('Node v20.20.2, isogate 0.1.0 (abc1234), autocannon 8.0.0, nginx not on the PATH')
    expect(md).toContain('`npm run bench -- --quick`: at saturation 3 rounds × 3 s, 32 connections')
    expect(md).toContain(`](${CHARTS.requests})`)
    expect(md).toContain(`](${CHARTS.latency})`)
  })

  it('reports the plugin-count series against each mode at 0 plugins, when measured', () => {
    expect(renderMarkdown(machine, base)).not.toContain('## Throughput against the number of plugins')
    const point = (isolation: 'plugin' | 'workspace', count: number, rps: number, errors = 0) => ({
      isolation,
      count,
      rps,
      errors,
      cpuUsPerRequest: 40 + count * 10,
      keptRate: count < 2 || isolation === 'workspace',
    })
    const md = renderMarkdown(machine, base, {
      series: [
        point('plugin', 0, 20000),
        point('plugin', 2, 5000),
        point('workspace', 0, 20000),
        point('workspace', 2, 10000, 3),
      ],
    })
    expect(md).toContain('| 0 | 20000 (100.0 %) | 20000 (100.0 %) | 40.0 | 40.0 |')
    expect(md).toContain('| 2 | 5000 (25.0 %) | 10000 (50.0 %), **3 errors** | 60.0 (rate not kept) | 60.0 |')
    // No point at 1 plugin: neither the first plugin's price nor a slope can be told.
    expect(md).toContain('- isolation=plugin: the first plugin adds not measured')
  })

  it('reports idle isolates against the 1.5 MB budget, when measured', () => {
    expect(renderMarkdown(machine, base)).not.toContain('## Idle isolates')
    const md = renderMarkdown(machine, base, {
      idle: {
        plugin: 'request-transformer',
        baselineMb: 99,
        counts: [
          { count: 1, rssMb: 100, perIsolateMb: 1.38 },
          { count: 1000, rssMb: 1641, perIsolateMb: 1.54 },
        ],
      },
    })
    expect(md).toContain('## Idle isolates')
    expect(md).toContain('| 1 | 100 | 1.38 | yes |')
    expect(md).toContain('| 1000 | 1641 | 1.54 | **no** |')
  })

  it('has a vs in-process column only when the in-process contender ran', () => {
    const without = renderMarkdown(machine, base)
    expect(without).not.toContain('| vs in-process |')
    expect(without).toContain(`No \`${IN_PROCESS}\` contender in this run`)
    const md = renderMarkdown(machine, withInProcess)
    expect(md).toContain('| vs bare proxy | vs no plugins | vs in-process |')
    expect(md).toContain('| isogate, 5 plugins (isolation=workspace) | 4000 |')
    expect(md).toMatch(
      /\| isogate, 5 plugins \(isolation=workspace\) \|.*\| 20\.0 % \| 25\.0 % \| 50\.0 % \| {2}\|/,
    )
  })

  it('reports the fixed rate: achieved rate, whether it was kept, latencies and p99 added', () => {
    const md = renderMarkdown(machine, withInProcess)
    expect(md).toContain('## At a fixed rate of 2000 req/s')
    expect(md).toContain('| isogate, no plugins | 2000 | yes | 0.50 | 1.00 | 2.00 | 0 |  |')
    expect(md).toContain(
      '| isogate, 5 plugins (isolation=plugin) | 1700 | **no** | 200.00 | 400.00 | 800.00 | 0 | +399.00 |',
    )
    expect(md).toContain(
      '| isogate, 5 plugins (isolation=workspace) | 2000 | yes | 0.75 | 1.50 | 3.00 | 0 | +0.50 |',
    )
  })

  it('reports CPU µs per request at the fixed rate, whose, and against no plugins', () => {
    const all = [
      row('isogate, no plugins', 16000, 1, 2000, 50),
      row('isogate, 5 plugins (isolation=workspace)', 4000, 1.5, 2000, 125),
      row('bare undici proxy', 20000, 0.8),
    ]
    expect(all[1]?.fixed?.cpuUsPerRequest).toBeCloseTo(125)
    expect(all[2]?.fixed).toMatchObject({ cpuUsPerRequest: null, cpuOf: null })
    expect(compare(all[1] as Summary, all).cpuVsNoPlugins).toBeCloseTo(2.5)
    const md = renderMarkdown(machine, all)
    expect(md).toContain('| p99 added vs no plugins ms | CPU µs / req | CPU of | CPU vs no plugins |')
    expect(md).toContain(
      '| isogate, no plugins | 2000 | yes | 0.50 | 1.00 | 2.00 | 0 |  | 50.0 | worker |  |',
    )
    expect(md).toContain('| +0.50 | 125.0 | worker | 2.50× |')
    expect(md).toContain('| bare undici proxy | 2000 | yes | 0.40 | 0.80 | 1.60 | 0 |  |  |  |  |')
  })
})

describe('renderCharts', () => {
  it('labels requests/s with the ratios, and cuts the latency scale at what kept the rate', () => {
    const charts = renderCharts(withInProcess, 3, 2000)
    expect(Object.keys(charts).sort()).toEqual([CHARTS.latency, CHARTS.requests].sort())
    const requests = charts[CHARTS.requests] as string
    expect(requests).toContain('Requests/s at saturation (median of 3 rounds; higher is better)')
    expect(requests).toContain(
      '>4,000 · 20.0 % of bare proxy · 25.0 % of no plugins · 50.0 % of in-process</text>',
    )
    expect(requests.match(/<rect class="bar"/g)).toHaveLength(6)
    const latency = charts[CHARTS.latency] as string
    expect(latency).toContain('Latency at a fixed 2000 req/s (lower is better)')
    expect(latency).toContain('>400.00 ms · +399.00 vs no plugins · kept only 1,700 req/s (off scale)</text>')
    expect(latency).toContain('>1.50 ms · +0.50 vs no plugins</text>')
    expect(latency.match(/<rect class="bar"/g)).toHaveLength(12)
  })
})
