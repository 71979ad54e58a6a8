/**
 * A small SVG generator for horizontal grouped bar charts: one group per label (a contender),
 * one bar per series in each group, the value's text at the bar's end, a scale with gridlines at
 * the bottom. Text widths are estimated from character counts (no font metrics in Node).
 */

export interface BarSeries {
  name: string
  color: string
}

export interface Bar {
  /** null: no figure (nothing drawn, the text still shows). */
  value: number | null
  text: string
  /** Overrides the series colour for this bar. */
  color?: string
}

export interface BarChart {
  title: string
  /** The scale's unit, written under it. */
  unit: string
  series: BarSeries[]
  /** One bar per series in each group. */
  groups: { label: string; bars: Bar[] }[]
  /** End of the scale; longer bars are cut there and marked "off scale". */
  max?: number
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"'
const [BAR, BAR_GAP, GROUP_GAP, PLOT] = [18, 4, 14, 420]
const CHAR = 7 // px per character of 13px text, a generous average

export const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const text = (x: number, y: number, content: string, attrs = '') =>
  `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`

/** Round tick steps (1, 2 or 5 × 10ⁿ) giving at most six ticks up to `max`. */
export function ticks(max: number): number[] {
  if (!(max > 0)) return [0, 1]
  const raw = max / 5
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) as number) * magnitude
  const count = Math.ceil(max / step - 1e-9)
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)))
}

const tickText = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 3 })

export function barChart(chart: BarChart): string {
  const values = chart.groups.flatMap((g) => g.bars.map((b) => b.value ?? 0))
  const scale = ticks(chart.max ?? Math.max(0, ...values))
  const end = scale.at(-1) as number
  const labelWidth = Math.max(8, ...chart.groups.map((g) => g.label.length)) * CHAR + 24
  const offScale = (bar: Bar) => bar.value !== null && bar.value > end
  const label = (bar: Bar) => (offScale(bar) ? `${bar.text} (off scale)` : bar.text)
  const groupHeight = chart.series.length * (BAR + BAR_GAP) - BAR_GAP
  const top = chart.series.length > 1 ? 76 : 56
  const bottom = top + chart.groups.length * (groupHeight + GROUP_GAP)
  const x = (value: number) => Number((labelWidth + (Math.min(value, end) / end) * PLOT).toFixed(1))
  const textEnds = chart.groups.flatMap((g) => g.bars.map((b) => x(b.value ?? 0) + 6 + label(b).length * 6.6))
  const width = Math.round(Math.max(labelWidth + PLOT + 40, ...textEnds) + 16)
  const out = [
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(16, 26, chart.title, 'font-size="16" font-weight="600" fill="#222222"'),
  ]
  const legend = chart.series.length > 1 ? chart.series : []
  legend.forEach((series, i) => {
    const left = 16 + i * 120
    out.push(`<rect x="${left}" y="42" width="12" height="12" fill="${series.color}"/>`)
    out.push(text(left + 18, 52, series.name, 'font-size="12" fill="#444444"'))
  })
  for (const tick of scale) {
    out.push(`<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${bottom}" stroke="#e3e3e3"/>`)
    out.push(text(x(tick), bottom + 16, tickText(tick), 'font-size="11" fill="#666666" text-anchor="middle"'))
  }
  out.push(
    text(
      labelWidth + PLOT / 2,
      bottom + 34,
      chart.unit,
      'font-size="12" fill="#444444" text-anchor="middle"',
    ),
  )
  chart.groups.forEach((group, g) => {
    const y = top + g * (groupHeight + GROUP_GAP)
    out.push(
      text(
        labelWidth - 10,
        y + groupHeight / 2 + 4,
        group.label,
        'font-size="13" fill="#222222" text-anchor="end"',
      ),
    )
    group.bars.forEach((bar, i) => {
      const barY = y + i * (BAR + BAR_GAP)
      const right = bar.value === null ? labelWidth : x(bar.value)
      const color = bar.color ?? chart.series[i]?.color ?? '#888888'
      if (bar.value !== null) {
        const w = (right - labelWidth).toFixed(1)
        out.push(
          `<rect class="bar" x="${labelWidth}" y="${barY}" width="${w}" height="${BAR}" fill="${color}"/>`,
        )
      }
      // A cut bar ends in a break mark (two white slashes).
      if (offScale(bar)) {
        for (const dx of [14, 8]) {
          const d = `M${(right - dx - 3).toFixed(1)} ${barY + BAR} L${(right - dx + 3).toFixed(1)} ${barY}`
          out.push(`<path d="${d}" stroke="#ffffff" stroke-width="2"/>`)
        }
      }
      out.push(text(right + 6, barY + BAR / 2 + 4, label(bar), 'font-size="12" fill="#333333"'))
    })
  })
  const height = bottom + 48
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    ...out.map((element) => `  ${element}`),
    '</svg>',
    '',
  ].join('\n')
}
