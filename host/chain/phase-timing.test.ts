import { describe, expect, it } from 'vitest'
import { PHASE_SAMPLES, PhaseTimings } from './phase-timing.ts'

describe('PhaseTimings', () => {
  it('reports nothing before the first call', () => {
    expect(new PhaseTimings().summary()).toEqual({ count: 0, p50: null, p99: null })
  })

  it('gives the median and 99th percentile in microseconds', () => {
    const timings = new PhaseTimings()
    for (let i = 1; i <= 100; i++) timings.record(i / 1000)
    expect(timings.summary()).toEqual({ count: 100, p50: 51, p99: 100 })
  })

  it('keeps counting past the ring but computes quantiles over the latest samples only', () => {
    const timings = new PhaseTimings()
    for (let i = 0; i < PHASE_SAMPLES; i++) timings.record(1)
    for (let i = 0; i < PHASE_SAMPLES; i++) timings.record(0.002)
    expect(timings.summary()).toEqual({ count: 2 * PHASE_SAMPLES, p50: 2, p99: 2 })
  })
})
