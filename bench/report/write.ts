import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderCharts } from './charts.ts'
import type { Machine } from './machine.ts'
import { renderMarkdown } from './markdown.ts'
import type { IdleIsolates } from './micro.ts'
import type { NoisyNeighbour } from './noisy.ts'
import type { SeriesPoint } from './series.ts'
import type { SpreadPoint } from './spread.ts'
import type { Row, Summary } from './summarize.ts'

/** Writes latest.json, latest.md and the SVG charts into `dir`; returns the Markdown. */
export function writeReport(
  dir: string,
  machine: Machine,
  summary: Summary[],
  rows: Row[],
  idle?: IdleIsolates,
  series?: readonly SeriesPoint[],
  spread?: readonly SpreadPoint[],
  noisy?: NoisyNeighbour,
): string {
  const markdown = renderMarkdown(machine, summary, idle, series, spread, noisy)
  mkdirSync(dir, { recursive: true })
  const json = {
    machine,
    summary,
    ...(series ? { pluginSeries: series } : {}),
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
