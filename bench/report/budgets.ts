import type { NoopCrossing } from './crossing.ts'
import type { BenchSettings } from './machine.ts'
import { compare, NO_PLUGINS, percent, signedMs, times } from './ratios.ts'
import { pluginCosts, type SeriesPoint } from './series.ts'
import type { Summary } from './summarize.ts'

/** The rate and duration issue 12 sets for its p99 figure. */
export const P99_BUDGET_LOAD = { rate: 2000, seconds: 30 }

/** One line of issue 12's budget table, as measured by one run. */
export interface Budget {
  figure: string
  /** `≥ 60 %`, `≤ 10 µs`, … */
  budget: string
  /** The figure as measured (a fraction, µs, a multiple or ms), null when not measured. */
  measured: number | null
  /** How `measured` reads, with what qualifies it (`+0.8 ms (at 200 req/s over 0.5 s)`). */
  text: string
  /** Whether the budget is met; null when not measured. */
  met: boolean | null
  /** How far from the budget, as a multiple (1 when met): `×2.6` short of a floor or over a ceiling. */
  factor: number | null
}

type Format = (value: number) => string
const us: Format = (value) => `${value.toFixed(1)} µs`

/** A floor or a ceiling, and how it reads in the issue. */
type Limit = ({ atLeast: number } | { atMost: number }) & { reads: string }

function budget(
  figure: string,
  measured: number | undefined | null,
  limit: Limit,
  format: Format,
  note = '',
): Budget {
  const bound = limit.reads
  if (measured === undefined || measured === null) {
    return { figure, budget: bound, measured: null, text: 'not measured', met: null, factor: null }
  }
  const met = 'atLeast' in limit ? measured >= limit.atLeast : measured <= limit.atMost
  const factor = met
    ? 1
    : 'atLeast' in limit
      ? limit.atLeast / Math.max(measured, Number.EPSILON)
      : measured / limit.atMost
  return { figure, budget: bound, measured, text: format(measured) + note, met, factor }
}

const P99_LIMIT: Limit = { atMost: 1, reads: '≤ 1 ms' }

const CHAIN = (isolation: string) => `isogate, 5 plugins (isolation=${isolation})`

/**
 * Issue 12's budgets from one run's figures: saturation ratios, the worker's CPU per request at
 * the fixed rate (the series and the chain), the no-op crossing's phase-call p50, the p99 added.
 */
export function budgets(
  summary: Summary[],
  settings: BenchSettings,
  series: readonly SeriesPoint[] = [],
  crossings: readonly NoopCrossing[] = [],
): Budget[] {
  const row = (name: string) => summary.find((s) => s.name === name)
  const ratio = (name: string) => {
    const found = row(name)
    return found ? compare(found, summary) : {}
  }
  const pct: Format = (value) => percent(value)
  const x: Format = (value) => times(value)
  const ms: Format = (value) => `${signedMs(value)} ms`
  const load =
    settings.rate === P99_BUDGET_LOAD.rate && settings.rateSeconds === P99_BUDGET_LOAD.seconds
      ? ''
      : ` (at ${settings.rate} req/s over ${settings.rateSeconds} s)`
  const p99Added = (isolation: string) => {
    const fixed = row(CHAIN(isolation))?.fixed
    if (fixed && !fixed.kept) {
      return {
        ...budget(`p99 added by the chain at 2,000 req/s (${isolation})`, null, P99_LIMIT, ms),
        text: `did not keep the rate${load}`,
        met: false,
      }
    }
    return budget(
      `p99 added by the chain at 2,000 req/s (${isolation})`,
      ratio(CHAIN(isolation)).p99Added,
      P99_LIMIT,
      ms,
      load,
    )
  }
  const crossing = (isolation: string) => crossings.find((c) => c.isolation === isolation)?.phaseCalls.p50
  const [plugin, workspace] = [pluginCosts(series, 'plugin'), pluginCosts(series, 'workspace')]
  return [
    budget(
      '5-plugin chain, `isolation = workspace`, vs no plugins',
      ratio(CHAIN('workspace')).vsNoPlugins,
      { atLeast: 0.6, reads: '≥ 60 %' },
      pct,
    ),
    budget(
      '5-plugin chain, `isolation = plugin`, vs no plugins',
      ratio(CHAIN('plugin')).vsNoPlugins,
      { atLeast: 0.4, reads: '≥ 40 %' },
      pct,
    ),
    budget(
      'key-auth alone (warm cache) vs no plugins',
      ratio('isogate, key-auth (warm cache)').vsNoPlugins,
      { atLeast: 0.7, reads: '≥ 70 %' },
      pct,
    ),
    budget(
      'first trivial plugin, added worker CPU per request (workspace)',
      workspace.first,
      { atMost: 10, reads: '≤ 10 µs' },
      us,
    ),
    budget(
      'first trivial plugin, added worker CPU per request (plugin)',
      plugin.first,
      { atMost: 10, reads: '≤ 10 µs' },
      us,
    ),
    budget('each further trivial plugin (workspace)', workspace.further, { atMost: 2, reads: '≤ 2 µs' }, us),
    budget(
      "one crossing's own overhead: no-op plugin phase call p50 (workspace)",
      crossing('workspace'),
      { atMost: 8, reads: '≤ 8 µs' },
      us,
    ),
    budget(
      "one crossing's own overhead: no-op plugin phase call p50 (plugin)",
      crossing('plugin'),
      { atMost: 8, reads: '≤ 8 µs' },
      us,
    ),
    budget(
      'worker CPU per request, 5-plugin chain (workspace) vs no plugins',
      ratio(CHAIN('workspace')).cpuVsNoPlugins,
      { atMost: 1.7, reads: '≤ 1.7×' },
      x,
    ),
    budget(
      'vs the Kong-style plugin server, same five plugins (workspace)',
      ratio(CHAIN('workspace')).vsPluginServer,
      { atLeast: 4, reads: '≥ 4×' },
      x,
    ),
    budget(
      'vs the Kong-style plugin server, same five plugins (plugin)',
      ratio(CHAIN('plugin')).vsPluginServer,
      { atLeast: 3, reads: '≥ 3×' },
      x,
    ),
    p99Added('workspace'),
    p99Added('plugin'),
    budget(
      'no plugins vs bare undici proxy',
      ratio(NO_PLUGINS).vsBare,
      { atLeast: 0.9, reads: '≥ 90 %' },
      pct,
    ),
  ]
}

const verdict = (b: Budget) =>
  b.met === null ? '' : b.met ? 'yes' : b.factor === null ? '**no**' : `**no** (×${b.factor.toFixed(1)})`

export function budgetsSection(rows: readonly Budget[]): string[] {
  if (rows.length === 0) return []
  return [
    '## Budgets (issue 12)',
    '',
    "One run's figures against issue 12's budgets (the issue asks for the median of at least three",
    'full runs). Ratios are requests/s at saturation; CPU figures are the proxy worker at the fixed',
    'rate; a miss says by what multiple the figure is short of its floor or over its ceiling.',
    '',
    '| figure | budget | measured | met? |',
    '|---|---:|---:|---|',
    ...rows.map((b) => `| ${b.figure} | ${b.budget} | ${b.text} | ${verdict(b)} |`),
  ]
}
