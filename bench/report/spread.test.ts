import { describe, expect, it } from 'vitest'
import { spreadSection } from './index.ts'

describe('spreadSection', () => {
  it('is left out when the figure was not measured', () => {
    expect(spreadSection(undefined)).toEqual([])
    expect(spreadSection([])).toEqual([])
  })

  it('reports each count against 1 workspace, in order, with errors in bold', () => {
    const md = spreadSection([
      {
        workspaces: 100,
        rps: 5000,
        errors: 0,
        cpuPer1k: 0.3,
        rssMb: 780,
        configureSeconds: 6.24,
        configureInFlight: 64,
      },
      {
        workspaces: 1,
        rps: 8000,
        errors: 0,
        cpuPer1k: 0.2,
        rssMb: 440,
        configureSeconds: 0.46,
        configureInFlight: 64,
      },
      {
        workspaces: 1000,
        rps: 2000,
        errors: 7,
        cpuPer1k: 0.61,
        rssMb: 2400,
        configureSeconds: 48,
        configureInFlight: 64,
      },
    ]).join('\n')
    expect(md).toContain('## Throughput with traffic spread over workspaces')
    expect(md).toContain('(4 per workspace, 64 workspaces at a time)')
    expect(md).toContain(
      '| workspaces | req/s | vs 1 workspace | errors | CPU s / 1k req | RSS MB | configure s |',
    )
    const rows = md.split('\n').filter((line) => /^\| \d/.test(line))
    expect(rows).toEqual([
      '| 1 | 8000 | 100.0 % | 0 | 0.200 | 440 | 0.5 |',
      '| 100 | 5000 | 62.5 % | 0 | 0.300 | 780 | 6.2 |',
      '| 1000 | 2000 | 25.0 % | **7** | 0.610 | 2400 | 48.0 |',
    ])
  })

  it('leaves the ratio empty without a point at 1 workspace', () => {
    const md = spreadSection([
      {
        workspaces: 10,
        rps: 5000,
        errors: 0,
        cpuPer1k: 0.3,
        rssMb: 500,
        configureSeconds: 1,
        configureInFlight: 64,
      },
    ])
    expect(md).toContain('| 10 | 5000 |  | 0 | 0.300 | 500 | 1.0 |')
  })
})
