import type { ColdStart } from '../plugin-figures.ts'
import { budgets, budgetsSection } from './budgets.ts'
import { CHARTS } from './charts.ts'
import { crossingSection, type NoopCrossing } from './crossing.ts'
import type { Machine } from './machine.ts'
import { type IdleIsolates, idleIsolatesSection } from './micro.ts'
import { type NoisyNeighbour, noisySection } from './noisy.ts'
import { compare, IN_PROCESS, PLUGIN_SERVER, percent, signedMs, times } from './ratios.ts'
import { type SeriesPoint, seriesSection } from './series.ts'
import { type SpreadPoint, spreadSection } from './spread.ts'
import type { Summary } from './summarize.ts'

const fixed = (value: number, digits: number) => value.toFixed(digits)

/** Figures right-aligned; names and words left. */
const LEFT = new Set(['contender', 'spread', 'kept the rate', 'CPU of'])

function table(header: string[], rows: string[][]): string[] {
  const align = header.map((name) => (LEFT.has(name) ? '---' : '---:'))
  return [`| ${header.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)]
}

function head(machine: Machine): string[] {
  const s = machine.settings
  const command = s.mode === 'full' ? '`npm run bench`' : `\`npm run bench -- --${s.mode}\``
  const rounds = `${s.rounds} round${s.rounds === 1 ? '' : 's'}`
  return [
    '# isogate benchmark',
    '',
    `- **machine**: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}`,
    `- **versions**: Node ${machine.node}, isogate ${machine.isogate}, autocannon ${machine.autocannon}, ` +
      (machine.nginx ? `nginx ${machine.nginx}` : 'nginx not on the PATH (not measured)'),
    `- **date**: ${machine.date}`,
    `- **settings**: ${command}: at saturation ${rounds} × ${s.seconds} s, ${s.connections} connections, ` +
      `${s.warmup} s warm-up before each contender's first; at a fixed rate ${s.rate} req/s for ${s.rateSeconds} s after a ` +
      `warm-up of up to 1 s, up to ${s.rateConnections} connections (${s.seriesRateSeconds} s for the plugin-count series ` +
      'and the no-op crossing)',
    '',
    `![Requests/s at saturation](${CHARTS.requests}) ![Latency at ${s.rate} req/s](${CHARTS.latency})`,
  ]
}

function saturation(summary: Summary[]): string[] {
  const inProcess = summary.some((s) => s.name === IN_PROCESS)
  const server = summary.some((s) => s.name === PLUGIN_SERVER)
  const rows = summary.map((s) => {
    const c = compare(s, summary)
    const calls = s.phaseCalls
    return [
      s.name,
      String(Math.round(s.rps)),
      `${Math.round(s.rpsMin)}–${Math.round(s.rpsMax)}`,
      fixed(s.p50, 1),
      fixed(s.p99, 1),
      fixed(s.max, 1),
      fixed(s.cpuPer1k, 3),
      String(s.peakRssMb),
      String(s.errors),
      percent(c.vsBare),
      percent(c.vsNoPlugins),
      ...(inProcess ? [percent(c.vsInProcess)] : []),
      ...(server ? [times(c.vsPluginServer)] : []),
      calls && calls.p50 !== null && calls.p99 !== null
        ? `${fixed(calls.p50, 1)} / ${fixed(calls.p99, 1)}`
        : '',
    ]
  })
  return [
    '## At saturation',
    '',
    'Closed loop: every connection sends its next request as soon as the last one answered, so',
    'latency here is mostly queueing; the fixed-rate table below is where latency means something.',
    '',
    ...table(
      [
        'contender',
        'req/s (median)',
        'spread',
        'p50 ms',
        'p99 ms',
        'max ms',
        'CPU s / 1k req',
        'peak RSS MB',
        'errors',
        'vs bare proxy',
        'vs no plugins',
        ...(inProcess ? ['vs in-process'] : []),
        ...(server ? ['vs plugin server'] : []),
        'phase call p50 / p99 µs',
      ],
      rows,
    ),
    ...(inProcess
      ? []
      : ['', `No \`${IN_PROCESS}\` contender in this run: no ratio to the chain without isolation.`]),
  ]
}

function fixedRate(summary: Summary[], rate: number): string[] {
  const rows = summary.flatMap((s) => {
    if (!s.fixed) return []
    const f = s.fixed
    const c = compare(s, summary)
    return [
      [
        s.name,
        String(Math.round(f.rps)),
        f.kept ? 'yes' : '**no**',
        fixed(f.p50, 2),
        fixed(f.p99, 2),
        fixed(f.max, 2),
        String(f.errors),
        signedMs(c.p99Added),
        f.cpuUsPerRequest === null ? '' : fixed(f.cpuUsPerRequest, 1),
        f.cpuOf ?? '',
        times(c.cpuVsNoPlugins),
      ],
    ]
  })
  return [
    `## At a fixed rate of ${rate} req/s`,
    '',
    'Requests leave on a fixed schedule whatever the answers do (open loop), timed each in µs;',
    'a contender that does not keep the rate queues, and its latency shows it.',
    '',
    ...table(
      [
        'contender',
        'achieved req/s',
        'kept the rate',
        'p50 ms',
        'p99 ms',
        'max ms',
        'errors',
        'p99 added vs no plugins ms',
        'CPU µs / req',
        'CPU of',
        'CPU vs no plugins',
      ],
      rows,
    ),
    '',
    'Budget (from the issue): the five-plugin chain adds at most 1 ms of p99 at the fixed rate.',
    '',
    '**CPU µs / req** is the primary figure of issue 12: the CPU (user + system, every thread) of the',
    'processes named in **CPU of**, read from /proc when the first measured request leaves and after the',
    'last one answered, divided by the requests sent meanwhile. For isogate that is its proxy worker',
    'alone (not the launcher or the supervisor, which serve no request); for the plugin server its proxy',
    "and the kong-pdk server together; for nginx its master and worker. Unlike the saturation table's",
    'CPU column, the machine is not saturated here, so it is the cost of a request, not of a busy core.',
  ]
}

function coldStart(summary: Summary[]): string[] {
  const cold = summary.filter((s) => s.coldStart !== undefined)
  if (cold.length === 0) return []
  return [
    '## Cold start',
    '',
    'A new workspace gets a route and one plugin (request-transformer) before any load, ms: the Admin',
    'API call that adds the plugin, the isolate build inside it (as the worker timed it: create, compile,',
    'init; the budget, 10 ms, is for this), then the first, second and warm (median of 5) requests.',
    '',
    ...table(
      ['contender', 'add plugin', 'isolate build', 'first request', 'second request', 'warm request'],
      cold.map((s) => {
        const c = s.coldStart as ColdStart
        return [
          s.name,
          fixed(c.configureMs, 1),
          c.buildMs === null ? '' : fixed(c.buildMs, 2),
          fixed(c.firstMs, 2),
          fixed(c.secondMs, 2),
          fixed(c.warmMs, 2),
        ]
      }),
    ),
  ]
}

/** What a run measured besides the contenders' rows (each section is left out when absent). */
export interface Extras {
  idle?: IdleIsolates
  series?: readonly SeriesPoint[]
  crossings?: readonly NoopCrossing[]
  spread?: readonly SpreadPoint[]
  noisy?: NoisyNeighbour
}

/** The whole report: machine and settings, charts, issue 12's budgets, then one table per measurement. */
export function renderMarkdown(machine: Machine, summary: Summary[], extras: Extras = {}): string {
  const { idle, series, crossings, spread, noisy } = extras
  const rate = machine.settings.rate
  const sections = [
    head(machine),
    budgetsSection(budgets(summary, machine.settings, series, crossings)),
    saturation(summary),
    fixedRate(summary, rate),
    crossingSection(crossings, rate),
    coldStart(summary),
    seriesSection(series, rate),
    spreadSection(spread),
    noisySection(noisy),
    idleIsolatesSection(idle),
  ]
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`
}
