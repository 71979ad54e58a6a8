import { request } from 'undici'

/**
 * What the plugin contenders add to the bench: the chain of five bundled plugins they run, the
 * phase-call timing scraped from the gateway's own `/metrics`, and the cold start of a plugin.
 */

/**
 * The chain of five bundled plugins, global on the default workspace: key-auth (warm
 * cache: one consumer, one key every request carries), acl allowing that consumer's group, and
 * three that read and write headers. No response-body phase: Kong's external plugin servers have
 * none either, so the plugin-server contender runs the same chain.
 */
export const BENCH_PLUGINS: { name: string; config?: Record<string, unknown> }[] = [
  { name: 'key-auth' },
  { name: 'acl', config: { allow: ['bench'] } },
  { name: 'correlation-id' },
  { name: 'cors', config: { origins: ['*'] } },
  { name: 'request-transformer', config: { add: { headers: ['x-bench:1'] } } },
]

/** The header every request to a key-auth contender carries. */
export const BENCH_KEY = { apikey: 'bench-key' }

/** Wall time of a phase call in the worker (µs), as `isogate_plugin_phase_call_microseconds` reports it. */
export interface PhaseCallFigures {
  count: number
  p50: number | null
  p99: number | null
}

/** A brand-new workspace's plugin: what its configuration and first requests took, ms. */
export interface ColdStart {
  /** The Admin API call that adds the plugin (write, snapshot, every worker applied it). */
  configureMs: number
  /**
   * The isolate build inside that call, as the worker timed it (create, compile, init: its
   * `isolate_builds.last_ms` on /status); null when the call did not build exactly one isolate.
   */
  buildMs: number | null
  firstMs: number
  secondMs: number
  /** Median of the five requests after the second. */
  warmMs: number
}

const COLD_HOST = 'cold-start.bench'

export async function adminPost(admin: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(admin + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`)
}

/** The consumer the chain authenticates, its key and its acl group; returns the load's headers. */
async function configureConsumer(admin: string): Promise<Record<string, string>> {
  await adminPost(admin, '/consumers', { username: 'bench' })
  await adminPost(admin, '/consumers/bench/key-auth', { key: BENCH_KEY.apikey })
  await adminPost(admin, '/consumers/bench/acls', { group: 'bench' })
  return { ...BENCH_KEY }
}

/** BENCH_PLUGINS and their consumer; returns the headers the load must send. */
export async function configurePlugins(admin: string): Promise<Record<string, string>> {
  const headers = await configureConsumer(admin)
  for (const plugin of BENCH_PLUGINS) await adminPost(admin, '/plugins', plugin)
  return headers
}

/** Only global key-auth and its consumer; returns the headers the load must send. */
export async function configureKeyAuth(admin: string): Promise<Record<string, string>> {
  const headers = await configureConsumer(admin)
  await adminPost(admin, '/plugins', { name: 'key-auth' })
  return headers
}

async function timedGet(url: string, host?: string): Promise<number> {
  const started = performance.now()
  const response = await request(url, host ? { headers: { host } } : {})
  await response.body.arrayBuffer()
  if (response.statusCode !== 200) throw new Error(`cold start: ${url} answered ${response.statusCode}`)
  return performance.now() - started
}

/**
 * The cold start's workspace, service and route (no plugin yet). Created before the bench's
 * catch-all route: Kong refuses a route that traffic of another workspace's catch-all reaches.
 */
export async function prepareColdStart(admin: string, upstream: string): Promise<void> {
  await adminPost(admin, '/workspaces', { name: 'cold-start' })
  await adminPost(admin, '/cold-start/services', { name: 'cold', url: upstream })
  await adminPost(admin, '/cold-start/services/cold/routes', { name: 'cold', hosts: [COLD_HOST] })
}

/** The host a no-op plugin's route answers (its own workspace: no other plugin runs on it). */
export const NOOP_HOST = 'noop.bench'

/**
 * A workspace `noop` whose one route (by NOOP_HOST) runs only `plugin`, a plugin that does
 * nothing: its phase calls are a crossing's own price. Like prepareColdStart, before any catch-all.
 */
export async function prepareNoop(admin: string, upstream: string, plugin: string): Promise<void> {
  await adminPost(admin, '/workspaces', { name: 'noop' })
  await adminPost(admin, '/noop/services', { name: 'noop', url: upstream })
  await adminPost(admin, '/noop/services/noop/routes', { name: 'noop', hosts: [NOOP_HOST] })
  await adminPost(admin, '/noop/routes/noop/plugins', { name: plugin })
}

/**
 * Adds one plugin to the prepared workspace, then times its first requests. Isolates are built
 * when a snapshot is applied, not on the request path, so the first request pays only what is
 * left of that build when it arrives (the Admin API answers once the workers applied the
 * snapshot, while the build may still run); the plugin's first `configure` and first phase call
 * are always the first request's.
 */
export async function measureColdStart(admin: string, proxy: string): Promise<ColdStart> {
  await timedGet(`${proxy}/`, COLD_HOST) // the bench's connection to the proxy, opened outside the measure
  const before = await isolateBuilds(admin)
  const started = performance.now()
  await adminPost(admin, '/cold-start/routes/cold/plugins', {
    name: 'request-transformer',
    config: { add: { headers: ['x-cold:1'] } },
  })
  const configureMs = performance.now() - started
  const after = await isolateBuilds(admin)
  const firstMs = await timedGet(`${proxy}/`, COLD_HOST)
  const secondMs = await timedGet(`${proxy}/`, COLD_HOST)
  const warm: number[] = []
  for (let i = 0; i < 5; i++) warm.push(await timedGet(`${proxy}/`, COLD_HOST))
  warm.sort((a, b) => a - b)
  const buildMs = after.count === before.count + 1 ? after.lastMs : null
  return { configureMs, buildMs, firstMs, secondMs, warmMs: warm[2] as number }
}

/** The first worker's isolate builds so far and the last one's time, from the Admin API's /status. */
async function isolateBuilds(admin: string): Promise<{ count: number; lastMs: number | null }> {
  const status = (await (await fetch(`${admin}/status`)).json()) as {
    plugins?: { isolate_builds?: { count: number; last_ms: number | null }[] }
  }
  const worker = status.plugins?.isolate_builds?.[0]
  return { count: worker?.count ?? 0, lastMs: worker?.last_ms ?? null }
}

/** The first worker's phase-call figures from the status listener's Prometheus text. */
export async function scrapePhaseCalls(status: string): Promise<PhaseCallFigures> {
  const text = await (await fetch(`${status}/metrics`)).text()
  const value = (pattern: RegExp) => {
    const found = pattern.exec(text)
    return found ? Number(found[1]) : null
  }
  return {
    count: value(/^isogate_plugin_phase_call_microseconds_count\{[^}]*\} (\S+)$/m) ?? 0,
    p50: value(/^isogate_plugin_phase_call_microseconds\{[^}]*quantile="0\.5"[^}]*\} (\S+)$/m),
    p99: value(/^isogate_plugin_phase_call_microseconds\{[^}]*quantile="0\.99"[^}]*\} (\S+)$/m),
  }
}
