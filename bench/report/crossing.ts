import type { PhaseCallFigures } from '../plugin-figures.ts'

/**
 * One crossing's own price in one isolation mode: the phase calls of a plugin that does nothing
 * (`noop`, on a route of its own workspace) in the running proxy, at the fixed rate.
 */
export interface NoopCrossing {
  isolation: 'plugin' | 'workspace'
  /** The worker's phase-call wall times, scraped right after the run (only this plugin's calls). */
  phaseCalls: PhaseCallFigures
  /** The worker's CPU µs per request of that run (null: not measured). */
  cpuUsPerRequest: number | null
}

const us = (value: number | null) => (value === null ? '' : value.toFixed(1))

export function crossingSection(crossings: readonly NoopCrossing[] | undefined, rate?: number): string[] {
  if (!crossings || crossings.length === 0) return []
  return [
    "## One crossing's own price",
    '',
    `A plugin whose access handler does nothing, alone on a route of its own workspace, warmed up and then at a`,
    `fixed ${rate ?? '?'} req/s: the worker's phase-call wall time (\`isogate_plugin_phase_call_microseconds\`, its`,
    "last 8,192 calls, only this plugin's) is the price of one crossing apart from any plugin work; beside",
    "it the worker's CPU per request of the fixed-rate run.",
    '',
    '| isolation | phase calls | phase call p50 µs | phase call p99 µs | worker CPU µs / req |',
    '|---|---:|---:|---:|---:|',
    ...crossings.map(
      (c) =>
        `| ${c.isolation} | ${c.phaseCalls.count} | ${us(c.phaseCalls.p50)} | ${us(c.phaseCalls.p99)} | ${us(c.cpuUsPerRequest)} |`,
    ),
  ]
}
