/** How many of the latest phase calls the quantiles are computed over. */
export const PHASE_SAMPLES = 8192

/** How many of the latest isolate builds the quantiles are computed over. */
export const BUILD_SAMPLES = 256

/** Wall times of one kind of event in one worker: events since start, quantiles over the latest ones and the last one, µs. */
export interface TimingStats {
  count: number
  /** Null until the first event. */
  p50: number | null
  p99: number | null
  last: number | null
}

/**
 * Wall times of one kind of event (a plugin phase call, an isolate build) in one worker, kept in a
 * preallocated ring so the hot path pays one store and no allocation per event; quantiles are
 * computed only when someone asks.
 */
export class TimingRing {
  private readonly samples: Float64Array
  private readonly mask: number
  private count = 0

  /** `size` must be a power of two (the ring index is a mask). */
  constructor(size = PHASE_SAMPLES) {
    if (size <= 0 || (size & (size - 1)) !== 0) throw new RangeError('the ring size must be a power of two')
    this.samples = new Float64Array(size)
    this.mask = size - 1
  }

  /** One event took `ms` (a difference of two `performance.now()` readings). */
  record(ms: number): void {
    this.samples[this.count & this.mask] = ms * 1000
    this.count++
  }

  summary(): TimingStats {
    const filled = Math.min(this.count, this.samples.length)
    if (filled === 0) return { count: 0, p50: null, p99: null, last: null }
    const sorted = this.samples.slice(0, filled).sort()
    const at = (q: number) => round(sorted[Math.min(filled - 1, Math.floor(q * filled))] as number)
    const last = round(this.samples[(this.count - 1) & this.mask] as number)
    return { count: this.count, p50: at(0.5), p99: at(0.99), last }
  }
}

const round = (us: number) => Math.round(us * 10) / 10
