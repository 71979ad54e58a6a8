/** One point of the plugin-count series: a chain of `count` stamp plugins in one isolation mode. */
export interface SeriesPoint {
  isolation: 'plugin' | 'workspace'
  count: number
  rps: number
  errors: number
  /** The worker's CPU µs per request at the fixed rate (null: not measured). */
  cpuUsPerRequest: number | null
  /** Whether that fixed-rate run kept the rate (its CPU is a saturated worker's otherwise). */
  keptRate: boolean
}

/** What trivial plugins add to a request's worker CPU in one mode, µs (undefined: too few points). */
export interface PluginCosts {
  /** The first plugin: CPU at 1 plugin minus CPU at 0. */
  first?: number
  /** Each further plugin: the least-squares slope of CPU over the points with 1 plugin or more. */
  further?: number
}

export function pluginCosts(
  points: readonly SeriesPoint[],
  isolation: SeriesPoint['isolation'],
): PluginCosts {
  const cpuAt = new Map<number, number>()
  for (const p of points) {
    if (p.isolation === isolation && p.cpuUsPerRequest !== null) cpuAt.set(p.count, p.cpuUsPerRequest)
  }
  const costs: PluginCosts = {}
  const [none, one] = [cpuAt.get(0), cpuAt.get(1)]
  if (none !== undefined && one !== undefined) costs.first = one - none
  const chained = [...cpuAt].filter(([count]) => count >= 1)
  if (chained.length >= 2) {
    const meanX = chained.reduce((sum, [x]) => sum + x, 0) / chained.length
    const meanY = chained.reduce((sum, [, y]) => sum + y, 0) / chained.length
    const sxy = chained.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0)
    const sxx = chained.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0)
    costs.further = sxy / sxx
  }
  return costs
}

const pct = (value: number, base: number | undefined) =>
  base === undefined || base === 0 ? '' : ` (${((value / base) * 100).toFixed(1)} %)`
const us = (value: number | undefined) => (value === undefined ? 'not measured' : `${value.toFixed(1)} µs`)

/** Requests/s and worker CPU against the number of plugins, both modes side by side. */
export function seriesSection(points: readonly SeriesPoint[] | undefined, rate?: number): string[] {
  if (!points || points.length === 0) return []
  const counts = [...new Set(points.map((p) => p.count))].sort((a, b) => a - b)
  const at = (isolation: SeriesPoint['isolation'], count: number) =>
    points.find((p) => p.isolation === isolation && p.count === count)
  const cell = (isolation: SeriesPoint['isolation'], count: number) => {
    const point = at(isolation, count)
    if (!point) return ''
    const errors = point.errors > 0 ? `, **${point.errors} errors**` : ''
    return `${Math.round(point.rps)}${pct(point.rps, at(isolation, 0)?.rps)}${errors}`
  }
  const cpu = (isolation: SeriesPoint['isolation'], count: number) => {
    const point = at(isolation, count)
    if (!point || point.cpuUsPerRequest === null) return ''
    return `${point.cpuUsPerRequest.toFixed(1)}${point.keptRate ? '' : ' (rate not kept)'}`
  }
  const costs = (isolation: SeriesPoint['isolation']) => {
    const c = pluginCosts(points, isolation)
    return `- isolation=${isolation}: the first plugin adds ${us(c.first)} of worker CPU per request, each further one ${us(c.further)}`
  }
  return [
    '## Throughput against the number of plugins',
    '',
    'Chains of 0 to 10 bench-only plugins (`stamp-N`: one access handler setting one header), global,',
    'one round at saturation each, in both isolation modes; in parentheses, against the same mode with 0.',
    `Then each point at a fixed ${rate ?? '?'} req/s: the proxy worker's CPU µs per request.`,
    '',
    '| plugins | isolation=plugin req/s | isolation=workspace req/s | isolation=plugin CPU µs / req | isolation=workspace CPU µs / req |',
    '|---:|---:|---:|---:|---:|',
    ...counts.map(
      (count) =>
        `| ${count} | ${cell('plugin', count)} | ${cell('workspace', count)} | ${cpu('plugin', count)} | ${cpu('workspace', count)} |`,
    ),
    '',
    'What trivial plugins cost (the first: 1 plugin against 0; each further: the slope over 1 plugin and more):',
    '',
    costs('plugin'),
    costs('workspace'),
  ]
}
