import { describe, expect, it } from 'vitest'
import { barChart, ticks } from './index.ts'

/** Well-formed XML as far as this generator can go wrong: balanced tags, quoted attributes, escaped text. */
function expectWellFormed(svg: string) {
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*")*)\s*(\/?)>/g
  const stack: string[] = []
  let last = 0
  for (const match of svg.matchAll(tag)) {
    expect(svg.slice(last, match.index)).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot);)/)
    last = match.index + match[0].length
    const [, closing, name, , selfClosing] = match
    if (closing) expect(stack.pop()).toBe(name)
    else if (!selfClosing) stack.push(name as string)
  }
  expect(svg.slice(last).trim()).toBe('')
  expect(stack).toEqual([])
}

const bars = (svg: string) =>
  [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*fill="([^"]+)"/g)].map(
    ([, x, width, fill]) => ({ x: Number(x), width: Number(width), fill }),
  )

describe('barChart', () => {
  it('draws one bar per value with its text, the title, the unit and a legend', () => {
    const svg = barChart({
      title: 'Latency at 2000 req/s',
      unit: 'milliseconds',
      series: [
        { name: 'p50', color: '#aaaaaa' },
        { name: 'p99', color: '#333333' },
      ],
      groups: [
        {
          label: 'fast & small',
          bars: [
            { value: 1, text: '1.00 ms' },
            { value: 2, text: '2.00 ms' },
          ],
        },
        {
          label: 'slow <proxy>',
          bars: [
            { value: 4, text: '4.00 ms' },
            { value: null, text: 'no figure' },
          ],
        },
      ],
    })
    expectWellFormed(svg)
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/)
    for (const label of [
      'Latency at 2000 req/s',
      'milliseconds',
      'p50',
      'p99',
      '1.00 ms',
      '4.00 ms',
      'no figure',
    ])
      expect(svg).toContain(`>${label}</text>`)
    expect(svg).toContain('>fast &amp; small</text>')
    expect(svg).toContain('>slow &lt;proxy&gt;</text>')
    const drawn = bars(svg)
    expect(drawn.map((b) => b.fill)).toEqual(['#aaaaaa', '#333333', '#aaaaaa'])
    // Lengths follow the values on one scale from one origin.
    expect(new Set(drawn.map((b) => b.x)).size).toBe(1)
    expect(drawn[1]?.width).toBeCloseTo((drawn[0]?.width ?? 0) * 2, 0)
    expect(drawn[2]?.width).toBeCloseTo((drawn[0]?.width ?? 0) * 4, 0)
  })

  it('cuts bars past the given end of the scale and says so; a bar colour overrides its series', () => {
    const svg = barChart({
      title: 'Requests/s',
      unit: 'requests per second',
      series: [{ name: 'req/s', color: '#4e79a7' }],
      max: 10,
      groups: [
        { label: 'a', bars: [{ value: 10, text: '10' }] },
        { label: 'b', bars: [{ value: 1000, text: '1000', color: '#f28e2b' }] },
      ],
    })
    expectWellFormed(svg)
    expect(svg).toContain('>1000 (off scale)</text>')
    expect(svg).not.toContain('>req/s</text>') // one series: no legend
    const [a, b] = bars(svg)
    expect(b?.width).toBe(a?.width)
    expect([a?.fill, b?.fill]).toEqual(['#4e79a7', '#f28e2b'])
  })
})

describe('ticks', () => {
  it('steps by 1, 2 or 5 × 10ⁿ up to at least the maximum', () => {
    expect(ticks(31128)).toEqual([0, 10000, 20000, 30000, 40000])
    expect(ticks(4.2)).toEqual([0, 1, 2, 3, 4, 5])
    expect(ticks(0.37)).toEqual([0, 0.1, 0.2, 0.3, 0.4])
    expect(ticks(0)).toEqual([0, 1])
  })
})
