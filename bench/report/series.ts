/** One point of the plugin-count series: a chain of `count` stamp plugins in one isolation mode. */
export interface SeriesPoint {
  isolation: 'plugin' | 'workspace'
  count: number
  rps: number
  errors: number
}

const pct = (value: number, base: number | undefined) =>
  base === undefined || base === 0 ? '' : ` (${((value / base) * 100).toFixed(1)} %)`

/** Requests/s against the number of plugins, both modes side by side, each against its own 0. */
export function seriesSection(points: readonly SeriesPoint[] | undefined): string[] {
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
  return [
    '## Throughput against the number of plugins',
    '',
    'Chains of 0 to 10 bench-only plugins (`stamp-N`: one access handler setting one header), global,',
    'one round at saturation each, in both isolation modes; in parentheses, against the same mode with 0.',
    '',
    '| plugins | isolation=plugin req/s | isolation=workspace req/s |',
    '|---:|---:|---:|',
    ...counts.map((count) => `| ${count} | ${cell('plugin', count)} | ${cell('workspace', count)} |`),
  ]
}
