import { describe, expect, it } from 'vitest'
import type { FixedLoad } from './index.ts'
import { type NoisyNeighbour, noisySection } from './index.ts'

const load = (p50: number, p99: number): FixedLoad => ({
  requests: 60,
  rps: 20,
  p50,
  p99,
  max: p99 + 1,
  errors: 0,
  non2xx: 0,
  dropped: 0,
})

const figure = (alone: FixedLoad, beside: FixedLoad): NoisyNeighbour => ({
  rate: 20,
  seconds: 3,
  noisyConnections: 16,
  burnMs: 30,
  alone,
  beside,
  noisy: { seconds: 5, requests: 150, non2xx: 10, errors: 0 },
})

describe('noisySection', () => {
  it('is left out without a figure', () => {
    expect(noisySection(undefined)).toEqual([])
  })

  it('shows both runs and each target as met or missed', () => {
    const md = noisySection(figure(load(4, 20), load(40, 70))).join('\n')
    expect(md).toContain('## Noisy neighbour')
    expect(md).toContain('| alone | 4.0 | 20.0 | 21.0 | 60 | 0 |')
    expect(md).toContain('| beside the noisy one | 40.0 | 70.0 | 71.0 | 60 | 0 |')
    expect(md).toContain('70.0 ms (target ≤ 250 ms: met), 3.5× alone (target ≤ 4×: met)')
    expect(md).toContain('140 answered 2xx (28.0/s), 10 refused (503 + Retry-After), 0 errors')
    const slow = noisySection(figure(load(4, 10), load(300, 520))).join('\n')
    expect(slow).toContain('520.0 ms (target ≤ 250 ms: **missed**), 52.0× alone (target ≤ 4×: **missed**)')
  })
})
