import { describe, expect, it } from 'vitest'
import { PHASE_SAMPLES, TimingRing } from './timing-ring.ts'

describe('TimingRing', () => {
  it('reports nothing before the first event', () => {
    expect(new TimingRing().summary()).toEqual({ count: 0, p50: null, p99: null, last: null })
  })

  it('gives the median, the 99th percentile and the last event in microseconds', () => {
    const timings = new TimingRing()
    for (let i = 1; i <= 100; i++) timings.record(i / 1000)
    timings.record(0.0005)
    expect(timings.summary()).toEqual({ count: 101, p50: 50, p99: 99, last: 0.5 })
  })

  it('keeps counting past the ring but computes quantiles over the latest samples only', () => {
    const timings = new TimingRing()
    for (let i = 0; i < PHASE_SAMPLES; i++) timings.record(1)
    for (let i = 0; i < PHASE_SAMPLES; i++) timings.record(0.002)
    expect(timings.summary()).toEqual({ count: 2 * PHASE_SAMPLES, p50: 2, p99: 2, last: 2 })
  })

  it('takes a smaller ring, whose last sample wraps around', () => {
    const timings = new TimingRing(4)
    for (let i = 1; i <= 6; i++) timings.record(i)
    expect(timings.summary()).toEqual({ count: 6, p50: 5000, p99: 6000, last: 6000 })
  })

  it('refuses a ring size that is not a power of two', () => {
    expect(() => new TimingRing(100)).toThrow(RangeError)
  })
})
