import { type BarChart, barChart } from '../charts/index.ts'
import { compare, isPluginRow, NO_PLUGINS, percent, signedMs, times } from './ratios.ts'
import type { Summary } from './summarize.ts'

/** The charts' file names, beside latest.md and latest.json. */
export const CHARTS = { requests: 'requests-per-second.svg', latency: 'fixed-rate-latency.svg' }

const REFERENCE = '#9aa5b1'
const ISOGATE = '#4e79a7'
const PLUGINS = '#f28e2b'

const colorOf = (name: string) => (isPluginRow(name) ? PLUGINS : name === NO_PLUGINS ? ISOGATE : REFERENCE)
const count = (value: number) => Math.round(value).toLocaleString('en-US')

/** (a) Requests/s at saturation, one bar per contender, labelled with its ratios. */
export function requestsChart(summary: Summary[], rounds: number): BarChart {
  return {
    title: `Requests/s at saturation (median of ${rounds} round${rounds === 1 ? '' : 's'}; higher is better)`,
    unit: 'requests per second',
    series: [{ name: 'req/s', color: ISOGATE }],
    groups: summary.map((s) => {
      const c = compare(s, summary)
      const ratios = [
        c.vsBare === undefined ? '' : `${percent(c.vsBare)} of bare proxy`,
        c.vsNoPlugins === undefined ? '' : `${percent(c.vsNoPlugins)} of no plugins`,
        c.vsInProcess === undefined ? '' : `${percent(c.vsInProcess)} of in-process`,
        c.vsPluginServer === undefined ? '' : `${times(c.vsPluginServer)} plugin server`,
      ]
      const text = [count(s.rps), ...ratios].filter(Boolean).join(' · ')
      return { label: s.name, bars: [{ value: s.rps, text, color: colorOf(s.name) }] }
    }),
  }
}

/**
 * (b) p50 and p99 at the fixed rate. The scale ends at the largest p99 of the contenders that kept
 * the rate: one that did not queues without bound and would flatten every other bar.
 */
export function latencyChart(summary: Summary[], rate: number): BarChart {
  const measured = summary.filter((s) => s.fixed !== undefined)
  const kept = measured.flatMap((s) => (s.fixed?.kept ? [s.fixed.p99] : []))
  const ms = (value: number) => `${value.toFixed(2)} ms`
  return {
    title: `Latency at a fixed ${rate} req/s (lower is better)`,
    unit: 'milliseconds',
    series: [
      { name: 'p50', color: '#a0cbe8' },
      { name: 'p99', color: ISOGATE },
    ],
    ...(kept.length > 0 ? { max: Math.max(...kept) } : {}),
    groups: measured.map((s) => {
      const f = s.fixed as NonNullable<Summary['fixed']>
      const added = compare(s, summary).p99Added
      const p99 = [
        ms(f.p99),
        added === undefined ? '' : `${signedMs(added)} vs no plugins`,
        f.kept ? '' : `kept only ${count(f.rps)} req/s`,
      ]
      return {
        label: s.name,
        bars: [
          { value: f.p50, text: ms(f.p50) },
          { value: f.p99, text: p99.filter(Boolean).join(' · ') },
        ],
      }
    }),
  }
}

/** Both charts as SVG, by file name. */
export function renderCharts(summary: Summary[], rounds: number, rate: number): Record<string, string> {
  return {
    [CHARTS.requests]: barChart(requestsChart(summary, rounds)),
    [CHARTS.latency]: barChart(latencyChart(summary, rate)),
  }
}
