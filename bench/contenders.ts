import { launchIsogate } from './isogate-process.ts'
import {
  adminPost,
  BENCH_KEY,
  type ColdStart,
  configureKeyAuth,
  configurePlugins,
  measureColdStart,
  prepareColdStart,
} from './plugin-figures.ts'
import { firstJsonLine, spawnScript, stopProcess } from './processes.ts'
import { MAX_STAMPS, stampNames } from './stamp-plugins.ts'

/** Something the load is driven against: its URL and the root of its process tree. */
export interface Contender {
  name: string
  url: string
  pid: number
  stop(): Promise<void>
  /** The gateway's status listener, where its phase-call metrics are scraped. */
  statusUrl?: string
  coldStart?: ColdStart
  /** Headers every load request carries (key-auth's key). */
  headers?: Record<string, string>
}

async function scriptContender(name: string, script: string, args: string[]): Promise<Contender> {
  const child = spawnScript(script, args)
  const { port } = await firstJsonLine<{ port: number }>(child)
  return { name, url: `http://127.0.0.1:${port}`, pid: child.pid as number, stop: () => stopProcess(child) }
}

export const startUpstream = () => scriptContender('upstream alone', './upstream.ts', [])
export const startBareProxy = (upstream: string) =>
  scriptContender('bare undici proxy', './bare-proxy.ts', [upstream])

/** The plugin runtime's isolation mode; without one, isogate runs no plugins. */
export type Isolation = 'plugin' | 'workspace'

/** `key-auth`: only key-auth, every request with a valid key (the credential cached after the first). */
export type BenchPlugins = Isolation | 'key-auth'

/**
 * isogate as a user runs it (`isogate start`, one proxy worker under its supervisor), configured
 * through its Admin API with one service and one catch-all route, access log off like the others.
 * With `isolation`, the five BENCH_PLUGINS run on every request, the status listener is on (for
 * the phase-call metrics) and a plugin's cold start is measured before any load.
 */
export async function startIsogate(
  upstream: string,
  plugins?: BenchPlugins,
  stamps?: { dir: string; count: number },
): Promise<Contender> {
  const isolation = plugins === 'key-auth' ? 'plugin' : plugins
  const gateway = await launchIsogate(
    {
      ...(isolation ? { ISOGATE_ISOLATION: isolation } : {}),
      ...(stamps
        ? { ISOGATE_PLUGINS: stampNames(MAX_STAMPS).join(','), ISOGATE_PLUGIN_PATHS: stamps.dir }
        : {}),
    },
    { status: isolation !== undefined },
  )
  const { admin, url, stop } = gateway
  const statusUrl = gateway.statusUrl
  try {
    if (isolation && !stamps) await prepareColdStart(admin, upstream)
    await adminPost(admin, '/services', { name: 'bench', url: upstream })
    await adminPost(admin, '/services/bench/routes', { paths: ['/'] })
    const base = { url, pid: gateway.child.pid as number, stop }
    if (stamps) {
      for (const name of stampNames(stamps.count)) await adminPost(admin, '/plugins', { name })
      return { name: `isogate, ${stamps.count} plugins (isolation=${isolation ?? 'plugin'})`, ...base }
    }
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
      coldStart: await measureColdStart(admin, url),
    }
  } catch (error) {
    await stop()
    throw error
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
      statusUrl: `http://127.0.0.1:${ports.statusPort}`,
      coldStart: await measureColdStart(`http://127.0.0.1:${ports.adminPort}`, url),
    }
  } catch (error) {
    await stop()
    throw error
  }
}
