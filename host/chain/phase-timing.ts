/** How many of the latest phase calls the quantiles are computed over. A power of two (mask). */
export const PHASE_SAMPLES = 8192

/** Phase-call wall time of one worker: calls since start, and quantiles over the latest ones, µs. */
export interface PhaseCallStats {
  count: number
  /** Null until the first call. */
  p50: number | null
  p99: number | null
}

/**
 * Wall time of each plugin phase call of one worker, kept in a preallocated ring so the hot path
 * pays one store and no allocation per call; quantiles are computed only when someone asks.
 */
export class PhaseTimings {
  private readonly samples = new Float64Array(PHASE_SAMPLES)
  private count = 0

  /** One phase call took `ms` (a difference of two `performance.now()` readings). */
  record(ms: number): void {
    this.samples[this.count & (PHASE_SAMPLES - 1)] = ms * 1000
    this.count++
  }

  summary(): PhaseCallStats {
    const filled = Math.min(this.count, PHASE_SAMPLES)
    if (filled === 0) return { count: 0, p50: null, p99: null }
    const sorted = this.samples.slice(0, filled).sort()
    const at = (q: number) => round(sorted[Math.min(filled - 1, Math.floor(q * filled))] as number)
    return { count: this.count, p50: at(0.5), p99: at(0.99) }
  }
}

const round = (us: number) => Math.round(us * 10) / 10
