import type { Contender, StampSeries } from './contenders.ts'
import { scrapePhaseCalls } from './plugin-figures.ts'
import {
  type BenchSettings,
  cpuPerRequest,
  type FixedLoad,
  type NoopCrossing,
  type SeriesPoint,
  toFixedRate,
} from './report/index.ts'
import type { Progress, SpreadLoad } from './workspace-spread.ts'

/** Chain lengths of the plugin-count series in each mode (a full run: issue 5's 0, 1, 2, 5 and 10). */
export const SERIES_COUNTS: Record<BenchSettings['mode'], number[]> = {
  tiny: [0, 1, 2],
  quick: [0, 1, 5],
  full: [0, 1, 2, 5, 10],
}

/** Progress steps of one series gateway: the no-op crossing, then two per point. */
export const seriesSteps = (mode: BenchSettings['mode']) => 1 + 2 * SERIES_COUNTS[mode].length

export interface SeriesRun {
  settings: BenchSettings
  saturate(contender: Contender, seconds: number): Promise<SpreadLoad>
  /** A fixed-rate run that reads the contender's counted CPU (bench/load.ts). */
  paced(contender: Contender, seconds: number): Promise<FixedLoad>
  /** How a paced run reads on its progress line. */
  pacedOutcome(load: FixedLoad): string
  progress: Progress
}

/**
 * One series gateway's figures. First the no-op plugin, warmed up and then at the fixed rate,
 * while the worker's phase-call ring (its last 8,192 calls) holds no other plugin's calls, and its
 * phase calls scraped right after; then
 * each chain length: a round at saturation (after a warm-up) and a fixed-rate run for the
 * worker's CPU per request.
 */
export async function measurePluginSeries(
  run: SeriesRun,
  gateway: StampSeries,
): Promise<{ crossing: NoopCrossing; points: SeriesPoint[] }> {
  const { settings, progress } = run
  const { noop } = gateway
  const noopLoad = await progress(
    `${settings.rate} req/s: ${noop.name}`,
    async () => {
      // Its first calls compile the prelude's and the plugin's code: a warm-up, as for every contender.
      if (settings.warmup > 0) await run.saturate(noop, settings.warmup)
      return run.paced(noop, settings.seriesRateSeconds)
    },
    run.pacedOutcome,
  )
  if (!noop.statusUrl) throw new Error('the series gateway has no status listener')
  const crossing: NoopCrossing = {
    isolation: gateway.isolation,
    phaseCalls: await scrapePhaseCalls(noop.statusUrl),
    cpuUsPerRequest: cpuPerRequest(noopLoad),
  }
  const points: SeriesPoint[] = []
  for (const count of SERIES_COUNTS[settings.mode]) {
    const chain = await gateway.chainOf(count)
    const load = await progress(
      `series: ${chain.name}`,
      async () => {
        if (settings.warmup > 0) await run.saturate(chain, settings.warmup)
        return run.saturate(chain, settings.seconds)
      },
      (r) => `${Math.round(r.rps)} req/s`,
    )
    const atRate = await progress(
      `series: ${chain.name} at ${settings.rate} req/s`,
      () => run.paced(chain, settings.seriesRateSeconds),
      run.pacedOutcome,
    )
    points.push({
      isolation: gateway.isolation,
      count,
      rps: load.rps,
      errors: load.errors + load.non2xx + atRate.errors + atRate.non2xx,
      cpuUsPerRequest: cpuPerRequest(atRate),
      keptRate: toFixedRate(settings.rate, atRate).kept,
    })
  }
  return { crossing, points }
}
