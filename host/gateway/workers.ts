import type { TimingStats } from '../chain/index.ts'
import type { Config, ListenAddress } from '../config/index.ts'
import type { WorkerDataOptions } from '../data/index.ts'
import type { ConfigSnapshot } from '../entities/types.ts'
import type { ProxyStats } from '../proxy/index.ts'

/**
 * The proxy workers as the control side sees them, whether they run in this process (tests,
 * embedding) or as cluster worker processes: push a snapshot and wait until every worker runs it.
 */
export interface Workers {
  /** Addresses the proxy is bound to (ports resolved when the configuration said 0). */
  readonly addresses: ListenAddress[]
  /** Resolves once every live worker has swapped in `snapshot`. */
  apply(snapshot: ConfigSnapshot): Promise<void>
  /** Drops cache keys on every worker (kong.cache), or every key (`all`), resolving once all did. */
  invalidate(keys: CacheKeyRef[] | 'all'): Promise<void>
  /** Counters summed over all workers, and each worker's phase-call timing. */
  stats(): Promise<NodeStats>
  /** True when every worker has applied the latest snapshot. */
  ready(): boolean
  /** Graceful: workers stop accepting, finish in-flight requests (at most graceMs), then exit. */
  close(graceMs: number): Promise<void>
}

/** One kong.cache key of one workspace (null: every workspace's), of one plugin (absent: every plugin's). */
export interface CacheKeyRef {
  ws: string | null
  key: string
  plugin?: string
}

/** Timings of one worker process, µs (quantiles do not add up across workers). */
export interface WorkerTimings extends TimingStats {
  pid: number
}

export interface NodeStats {
  server: ProxyStats
  /** One entry per worker that runs plugins: its phase calls. */
  phaseCalls: WorkerTimings[]
  /** One entry per worker that runs plugins: its isolate builds. */
  isolateBuilds: WorkerTimings[]
}

/** The cache bounds a worker takes from the configuration. */
export function workerDataOptions(
  config: Pick<Config, 'mem_cache_size' | 'plugin_wall_ms'>,
): WorkerDataOptions {
  return { cacheBytes: config.mem_cache_size, loadTimeoutMs: config.plugin_wall_ms }
}

export function sumStats(all: ProxyStats[]): ProxyStats {
  const total: ProxyStats = {
    connections_active: 0,
    connections_accepted: 0,
    connections_handled: 0,
    connections_reading: 0,
    connections_writing: 0,
    connections_waiting: 0,
    total_requests: 0,
  }
  for (const stats of all) {
    for (const key of Object.keys(total) as (keyof ProxyStats)[]) total[key] += stats[key]
  }
  return total
}
