import { type CpuCounted, treeCpu } from './cpu-time.ts'
import { launchIsogate } from './isogate-process.ts'
import {
  adminPost,
  BENCH_KEY,
  type ColdStart,
  configureKeyAuth,
  configurePlugins,
  measureColdStart,
  NOOP_HOST,
  prepareColdStart,
  prepareNoop,
} from './plugin-figures.ts'
import { firstJsonLine, spawnScript, stopProcess } from './processes.ts'
import { MAX_STAMPS, NOOP, stampNames } from './stamp-plugins.ts'

/** Something the load is driven against: its URL and the root of its process tree. */
export interface Contender {
  name: string
  url: string
  pid: number
  stop(): Promise<void>
  /** Whose CPU its requests cost (isogate: its proxy worker). */
  cpu: CpuCounted
  /** The gateway's status listener, where its phase-call metrics are scraped. */
  statusUrl?: string
  /** Times a plugin's cold start on this contender; run while nothing else loads the machine. */
  measureColdStart?: () => Promise<ColdStart>
  /** Headers every load request carries (key-auth's key). */
  headers?: Record<string, string>
}

async function scriptContender(name: string, script: string, args: string[]): Promise<Contender> {
  const child = spawnScript(script, args)
  const { port } = await firstJsonLine<{ port: number }>(child)
  const pid = child.pid as number
  const stop = () => stopProcess(child)
  return { name, url: `http://127.0.0.1:${port}`, pid, stop, cpu: treeCpu(pid, 'its process') }
}

export const startUpstream = () => scriptContender('upstream alone', './upstream.ts', [])
export const startBareProxy = (upstream: string) =>
  scriptContender('bare undici proxy', './bare-proxy.ts', [upstream])

/** The plugin runtime's isolation mode; without one, isogate runs no plugins. */
export type Isolation = 'plugin' | 'workspace'

/** `key-auth`: only key-auth, every request with a valid key (the credential cached after the first). */
export type BenchPlugins = Isolation | 'key-auth'

/** Starts isogate with one service and a catch-all route to `upstream`, prepared by `first`. */
async function launchWithRoute(
  upstream: string,
  env: Record<string, string>,
  status: boolean,
  first?: (admin: string) => Promise<void>,
) {
  const gateway = await launchIsogate(env, { status })
  try {
    await first?.(gateway.admin)
    await adminPost(gateway.admin, '/services', { name: 'bench', url: upstream })
    await adminPost(gateway.admin, '/services/bench/routes', { paths: ['/'] })
    return gateway
  } catch (error) {
    await gateway.stop()
    throw error
  }
}

/**
 * isogate as a user runs it (`isogate start`, one proxy worker under its supervisor), configured
 * through its Admin API with one service and one catch-all route, access log off like the others.
 * With `isolation`, the five BENCH_PLUGINS run on every request, the status listener is on (for
 * the phase-call metrics) and a plugin's cold start can be measured.
 */
export async function startIsogate(upstream: string, plugins?: BenchPlugins): Promise<Contender> {
  const isolation = plugins === 'key-auth' ? 'plugin' : plugins
  const gateway = await launchWithRoute(
    upstream,
    isolation ? { ISOGATE_ISOLATION: isolation } : {},
    isolation !== undefined,
    isolation ? (admin) => prepareColdStart(admin, upstream) : undefined,
  )
  const { admin, url, stop } = gateway
  const statusUrl = gateway.statusUrl
  try {
    const cpu = { of: 'worker', pids: gateway.workers }
    const base = { url, pid: gateway.child.pid as number, stop, cpu }
    if (!isolation) return { name: 'isogate, no plugins', ...base }
    if (plugins === 'key-auth') {
      return {
        name: 'isogate, key-auth (warm cache)',
        ...base,
        ...(statusUrl !== null ? { statusUrl } : {}),
        headers: await configureKeyAuth(admin),
      }
    }
    const headers = await configurePlugins(admin)
    return {
      name: `isogate, 5 plugins (isolation=${isolation})`,
      ...base,
      headers,
      ...(statusUrl !== null ? { statusUrl } : {}),
      measureColdStart: () => measureColdStart(admin, url),
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** One gateway of the plugin-count series; `chainOf` grows its chain and names the contender. */
export interface StampSeries {
  isolation: Isolation
  /** Adds stamps (global plugins) up to `count`, which is at least the last count asked for. */
  chainOf(count: number): Promise<Contender>
  /** The same gateway's route that runs only the no-op plugin (workspace `noop`; statusUrl set). */
  noop: Contender
  stop(): Promise<void>
}

/**
 * The plugin-count series runs on one gateway per isolation mode whose chain grows through the
 * Admin API (stamp-1 … stamp-N, `bench/stamp-plugins.ts`), so a point costs a configuration change
 * rather than a gateway start; every point is measured after its own warm-up. The gateway also
 * holds the no-op plugin on a route of its own workspace (`noop`), where no stamp runs, and its
 * status listener, for the phase calls of that plugin.
 */
export async function startStampSeries(
  upstream: string,
  isolation: Isolation,
  dir: string,
): Promise<StampSeries> {
  const gateway = await launchWithRoute(
    upstream,
    {
      ISOGATE_ISOLATION: isolation,
      ISOGATE_PLUGINS: [...stampNames(MAX_STAMPS), NOOP].join(','),
      ISOGATE_PLUGIN_PATHS: dir,
    },
    true,
    (admin) => prepareNoop(admin, upstream, NOOP),
  )
  const pid = gateway.child.pid as number
  const cpu = { of: 'worker', pids: gateway.workers }
  let chained = 0
  return {
    isolation,
    async chainOf(count) {
      for (const name of stampNames(count).slice(chained))
        await adminPost(gateway.admin, '/plugins', { name })
      chained = Math.max(chained, count)
      return {
        name: `isogate, ${count} plugins (isolation=${isolation})`,
        url: gateway.url,
        pid,
        stop: gateway.stop,
        cpu,
      }
    },
    noop: {
      name: `isogate, no-op plugin (isolation=${isolation})`,
      url: gateway.url,
      headers: { host: NOOP_HOST },
      pid,
      stop: gateway.stop,
      cpu,
      ...(gateway.statusUrl !== null ? { statusUrl: gateway.statusUrl } : {}),
    },
    stop: gateway.stop,
  }
}

/**
 * The same five BENCH_PLUGINS in `isolation = workspace`, run in the gateway's own heap without
 * isolation (SPEC §6; bench/in-process): same prelude, bundles, messages and chain, no isolate
 * boundary and no limits. One process (proxy, Admin API and status listener in it, no
 * supervisor), configured through its Admin API like the others; phase-call metrics and the
 * cold start are measured as for the isolate contenders.
 */
export async function startInProcess(upstream: string): Promise<Contender> {
  const child = spawnScript('./in-process/run-in-process.ts', [upstream])
  const stop = () => stopProcess(child)
  try {
    const ports = await firstJsonLine<{ port: number; adminPort: number; statusPort: number }>(child)
    const url = `http://127.0.0.1:${ports.port}`
    return {
      name: 'isogate, 5 plugins in-process (no isolation)',
      url,
      headers: { ...BENCH_KEY },
      pid: child.pid as number,
      stop,
      // The proxy, Admin API and status listener are one process (a child esbuild is not counted).
      cpu: { of: 'its process', pids: () => [child.pid as number] },
      statusUrl: `http://127.0.0.1:${ports.statusPort}`,
      measureColdStart: () => measureColdStart(`http://127.0.0.1:${ports.adminPort}`, url),
    }
  } catch (error) {
    await stop()
    throw error
  }
}
