import { Gauge, Registry } from 'prom-client'

export interface MetricSources {
  /** Proxy counters summed over the workers. */
  server(): Promise<Record<string, number>>
  databaseReachable(): Promise<boolean>
  configVersion(): number
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
  return registry
}
