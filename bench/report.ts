import type { ColdStart, PhaseCallFigures } from './plugin-figures.ts'

/** One measured round of one contender. */
export interface Row {
  name: string
  rps: number
  p50: number
  p99: number
  max: number
  requests: number
  errors: number
  non2xx: number
  cpuPer1k: number
  peakRssMb: number
}

export interface Summary {
  name: string
  rps: number
  rpsMin: number
  rpsMax: number
  p50: number
  p99: number
  max: number
  cpuPer1k: number
  peakRssMb: number
  errors: number
  /** Plugin contenders: phase-call wall time in the worker, scraped after the measured rounds. */
  phaseCalls?: PhaseCallFigures
  coldStart?: ColdStart
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Medians per contender over the rounds, with the spread of requests/s. */
export function summarize(rows: Row[], order: string[]): Summary[] {
  return order.map((name) => {
    const mine = rows.filter((row) => row.name === name)
    const rps = mine.map((row) => row.rps)
    return {
      name,
      rps: median(rps),
      rpsMin: Math.min(...rps),
      rpsMax: Math.max(...rps),
      p50: median(mine.map((row) => row.p50)),
      p99: median(mine.map((row) => row.p99)),
      max: Math.max(...mine.map((row) => row.max)),
      cpuPer1k: median(mine.map((row) => row.cpuPer1k)),
      peakRssMb: Math.max(...mine.map((row) => row.peakRssMb)),
      errors: mine.reduce((sum, row) => sum + row.errors + row.non2xx, 0),
    }
  })
}

const fixed = (value: number, digits: number) => value.toFixed(digits)

const NO_PLUGINS = 'isogate, no plugins'

const ratio = (s: Summary, base: Summary | undefined) =>
  base && s !== base ? `${fixed((s.rps / base.rps) * 100, 1)} %` : ''

const microseconds = (calls: PhaseCallFigures | undefined) =>
  calls && calls.p50 !== null && calls.p99 !== null ? `${fixed(calls.p50, 1)} / ${fixed(calls.p99, 1)}` : ''

export function renderMarkdown(machine: Record<string, unknown>, summary: Summary[]): string {
  const bare = summary.find((s) => s.name === 'bare undici proxy')
  const noPlugins = summary.find((s) => s.name === NO_PLUGINS)
  const lines = [
    '# isogate benchmark',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; ${machine.date}`,
    `Settings: ${JSON.stringify(machine.settings)}`,
    '',
    '| contender | req/s (median) | spread | p50 ms | p99 ms | max ms | CPU s / 1k req | peak RSS MB | errors | vs bare proxy | vs no plugins | phase call p50 / p99 µs |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const s of summary) {
    const plugins = s.phaseCalls !== undefined || s.coldStart !== undefined
    lines.push(
      `| ${s.name} | ${Math.round(s.rps)} | ${Math.round(s.rpsMin)}–${Math.round(s.rpsMax)} | ${fixed(s.p50, 1)} | ${fixed(s.p99, 1)} | ${fixed(s.max, 1)} | ${fixed(s.cpuPer1k, 3)} | ${s.peakRssMb} | ${s.errors} | ${s.name === 'upstream alone' ? '' : ratio(s, bare)} | ${plugins ? ratio(s, noPlugins) : ''} | ${microseconds(s.phaseCalls)} |`,
    )
  }
  const cold = summary.filter((s) => s.coldStart !== undefined)
  if (cold.length > 0) {
    lines.push(
      '',
      'Cold start: a new workspace gets a route and one plugin (request-transformer) before any load;',
      'the Admin API call that adds the plugin, then the first, second and warm (median of 5) requests, ms.',
      '',
      '| contender | add plugin | first request | second request | warm request |',
      '|---|---:|---:|---:|---:|',
    )
    for (const s of cold) {
      const c = s.coldStart as ColdStart
      lines.push(
        `| ${s.name} | ${fixed(c.configureMs, 1)} | ${fixed(c.firstMs, 2)} | ${fixed(c.secondMs, 2)} | ${fixed(c.warmMs, 2)} |`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}
