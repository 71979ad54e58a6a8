import { Gauge, Registry } from 'prom-client'

/** Wall times of one worker's plugin phase calls or isolate builds, µs (quantiles over the latest ones). */
export interface TimingSource {
  pid: number
  count: number
  p50: number | null
  p99: number | null
  last: number | null
}

export interface MetricSources {
  /** Proxy counters summed over the workers. */
  server(): Promise<Record<string, number>>
  /** One entry per worker that runs plugins. */
  phaseCalls(): Promise<TimingSource[]>
  isolateBuilds(): Promise<TimingSource[]>
  databaseReachable(): Promise<boolean>
  configVersion(): number
  /** Plugins of workspaces quarantined now (the node's strike board). */
  quarantined?(): { workspace: string; plugin: string }[]
}

/**
 * Prometheus metrics, read from their sources at scrape time (the workers keep the counters; the
 * supervisor only asks). Names follow Kong's Prometheus plugin where one exists.
 */
export function createMetrics(sources: MetricSources): Registry {
  const registry = new Registry()
  new Gauge({
    name: 'isogate_nginx_connections_total',
    help: 'Connections by state, as Kong reports them (accepted and handled are totals)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const server = await sources.server()
      for (const state of ['active', 'accepted', 'handled', 'reading', 'writing', 'waiting']) {
        this.set({ state }, server[`connections_${state}`] ?? 0)
      }
    },
  })
  new Gauge({
    name: 'isogate_nginx_requests_total',
    help: 'Requests handled by the proxy since start',
    registers: [registry],
    async collect() {
      this.set((await sources.server()).total_requests ?? 0)
    },
  })
  // isogate's own: the price of crossing into a plugin isolate, as the running proxy pays it, and
  // what a plugin's cold start costs (building an isolate: create, compile, init).
  timingGauges(registry, {
    name: 'isogate_plugin_phase_call_microseconds',
    event: 'plugin phase call',
    source: sources.phaseCalls,
    microsPerUnit: 1,
  })
  timingGauges(registry, {
    name: 'isogate_plugin_isolate_build_milliseconds',
    event: 'plugin isolate build',
    source: sources.isolateBuilds,
    microsPerUnit: 1000,
  })
  new Gauge({
    name: 'isogate_plugin_isolate_build_last_milliseconds',
    help: "Wall time of each worker's latest plugin isolate build",
    labelNames: ['worker'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const worker of await sources.isolateBuilds()) {
        if (worker.last !== null) this.set({ worker: String(worker.pid) }, worker.last / 1000)
      }
    },
  })
  new Gauge({
    name: 'isogate_datastore_reachable',
    help: 'Whether the database answers (1) or not (0)',
    registers: [registry],
    async collect() {
      this.set((await sources.databaseReachable()) ? 1 : 0)
    },
  })
  new Gauge({
    name: 'isogate_config_version',
    help: 'Version of the configuration the workers run',
    registers: [registry],
    collect() {
      this.set(sources.configVersion())
    },
  })
  new Gauge({
    name: 'isogate_plugin_quarantined',
    help: 'Plugins of a workspace quarantined now (too many limit failures): 1 while their code does not run',
    labelNames: ['workspace', 'plugin'],
    registers: [registry],
    collect() {
      this.reset()
      for (const { workspace, plugin } of sources.quarantined?.() ?? []) this.set({ workspace, plugin }, 1)
    },
  })
  return registry
}

/**
 * `<name>{worker,quantile}` (p50 and p99 over each worker's latest events) and `<name>_count{worker}`
 * for one kind of timed event; the source gives µs, `microsPerUnit` of them make the name's unit.
 */
function timingGauges(
  registry: Registry,
  timing: { name: string; event: string; source: () => Promise<TimingSource[]>; microsPerUnit: number },
): void {
  const { name, event, source, microsPerUnit } = timing
  new Gauge({
    name,
    help: `Wall time of a ${event} per worker, over its latest ones`,
    labelNames: ['worker', 'quantile'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const worker of await source()) {
        const pid = String(worker.pid)
        if (worker.p50 !== null) this.set({ worker: pid, quantile: '0.5' }, worker.p50 / microsPerUnit)
        if (worker.p99 !== null) this.set({ worker: pid, quantile: '0.99' }, worker.p99 / microsPerUnit)
      }
    },
  })
  new Gauge({
    name: `${name}_count`,
    help: `Number of ${event}s per worker since it started`,
    labelNames: ['worker'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const worker of await source()) this.set({ worker: String(worker.pid) }, worker.count)
    },
  })
}
