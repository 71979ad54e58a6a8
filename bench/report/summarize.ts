import type { ColdStart, PhaseCallFigures } from '../plugin-figures.ts'

/** One measured saturation round of one contender. */
export interface Row {
  name: string
  rps: number
  p50: number
  p99: number
  max: number
  requests: number
  errors: number
  non2xx: number
  cpuPer1k: number
  peakRssMb: number
}

/** What the paced load generator reports for a fixed-rate run (latencies in ms, µs precision). */
export interface FixedLoad {
  requests: number
  rps: number
  p50: number
  p99: number
  max: number
  errors: number
  non2xx: number
  /** Requests not sent because a second's worth was still waiting for answers. */
  dropped: number
  /** Requests sent in the measured window, answered or not. */
  sent?: number
  /** CPU the counted processes used over the measured window, s; null when none were named. */
  cpuSeconds?: number | null
}

/** A contender at a fixed offered rate, where latency is not queueing at saturation. */
export interface FixedRate {
  /** The offered rate, req/s. */
  target: number
  /** The rate answered with 2xx, req/s. */
  rps: number
  /** Answered at least 95 % of the offered rate, nothing dropped. */
  kept: boolean
  p50: number
  p99: number
  max: number
  errors: number
  /**
   * CPU µs per request of the contender's counted processes over the measured window (the
   * primary figure of issue 12), and which processes those are; null when not measured.
   */
  cpuUsPerRequest: number | null
  cpuOf: string | null
}

export interface Summary {
  name: string
  rps: number
  rpsMin: number
  rpsMax: number
  p50: number
  p99: number
  max: number
  cpuPer1k: number
  peakRssMb: number
  errors: number
  /** Plugin contenders: phase-call wall time in the worker, scraped after the saturation rounds. */
  phaseCalls?: PhaseCallFigures
  coldStart?: ColdStart
  fixed?: FixedRate
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Medians per contender over the rounds, with the spread of requests/s. */
export function summarize(rows: Row[], order: string[]): Summary[] {
  return order.map((name) => {
    const mine = rows.filter((row) => row.name === name)
    const rps = mine.map((row) => row.rps)
    return {
      name,
      rps: median(rps),
      rpsMin: Math.min(...rps),
      rpsMax: Math.max(...rps),
      p50: median(mine.map((row) => row.p50)),
      p99: median(mine.map((row) => row.p99)),
      max: Math.max(...mine.map((row) => row.max)),
      cpuPer1k: median(mine.map((row) => row.cpuPer1k)),
      peakRssMb: Math.max(...mine.map((row) => row.peakRssMb)),
      errors: mine.reduce((sum, row) => sum + row.errors + row.non2xx, 0),
    }
  })
}

/** CPU µs per request of a paced run, when its CPU was read. */
export function cpuPerRequest(load: FixedLoad): number | null {
  const { cpuSeconds, sent } = load
  return cpuSeconds == null || !sent ? null : (cpuSeconds * 1e6) / sent
}

export function toFixedRate(target: number, load: FixedLoad, cpuOf: string | null = null): FixedRate {
  const cpuUsPerRequest = cpuPerRequest(load)
  return {
    target,
    rps: load.rps,
    kept: load.dropped === 0 && load.rps >= target * 0.95,
    p50: load.p50,
    p99: load.p99,
    max: load.max,
    errors: load.errors + load.non2xx,
    cpuUsPerRequest,
    cpuOf: cpuUsPerRequest === null ? null : cpuOf,
  }
}
