import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { budgets } from './budgets.ts'
import { renderCharts } from './charts.ts'
import type { Machine } from './machine.ts'
import { type Extras, renderMarkdown } from './markdown.ts'
import { pluginCosts, type SeriesPoint } from './series.ts'
import type { Row, Summary } from './summarize.ts'

/** Each mode's first and further trivial plugin's worker CPU, µs (see pluginCosts). */
const costsOf = (series: readonly SeriesPoint[]) => ({
  plugin: pluginCosts(series, 'plugin'),
  workspace: pluginCosts(series, 'workspace'),
})

/** Writes latest.json, latest.md and the SVG charts into `dir`; returns the Markdown. */
export function writeReport(
  dir: string,
  machine: Machine,
  summary: Summary[],
  rows: Row[],
  extras: Extras = {},
): string {
  const { idle, series, crossings, spread, noisy } = extras
  const markdown = renderMarkdown(machine, summary, extras)
  mkdirSync(dir, { recursive: true })
  const json = {
    machine,
    budgets: budgets(summary, machine.settings, series, crossings),
    summary,
    ...(series ? { pluginSeries: series, pluginCosts: costsOf(series) } : {}),
    ...(crossings ? { noopCrossing: crossings } : {}),
    ...(spread ? { workspaceSpread: spread } : {}),
    ...(noisy ? { noisyNeighbour: noisy } : {}),
    ...(idle ? { idleIsolates: idle } : {}),
    rows,
  }
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`)
  writeFileSync(join(dir, 'latest.md'), markdown)
  const charts = renderCharts(summary, machine.settings.rounds, machine.settings.rate)
  for (const [file, svg] of Object.entries(charts)) writeFileSync(join(dir, file), svg)
  return markdown
}
