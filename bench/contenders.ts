import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '../test/helpers/index.ts'
import {
  adminPost,
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
  const prefix = mkdtempSync(join(tmpdir(), 'isogate-bench-'))
  const [proxyPort, adminPort, statusPort] = [await freePort(), await freePort(), await freePort()]
  const bin = fileURLToPath(new URL('../bin/isogate.js', import.meta.url))
  const child: ChildProcess = spawn(process.execPath, [bin, 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ISOGATE_PREFIX: prefix,
      ISOGATE_PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
      ISOGATE_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
      ISOGATE_STATUS_LISTEN: isolation ? `127.0.0.1:${statusPort}` : 'off',
      ISOGATE_WORKER_PROCESSES: '1',
      ISOGATE_PROXY_ACCESS_LOG: 'off',
      ISOGATE_LOG_LEVEL: 'warn',
      ...(isolation ? { ISOGATE_ISOLATION: isolation } : {}),
      ...(stamps
        ? { ISOGATE_PLUGINS: stampNames(MAX_STAMPS).join(','), ISOGATE_PLUGIN_PATHS: stamps.dir }
        : {}),
    },
  })
  const stop = async () => {
    await stopProcess(child)
    rmSync(prefix, { recursive: true, force: true })
  }
  const admin = `http://127.0.0.1:${adminPort}`
  const url = `http://127.0.0.1:${proxyPort}`
  try {
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) throw new Error('isogate exited during start')
      const up = await fetch(`${admin}/status`).then(
        (r) => r.ok,
        () => false,
      )
      if (up) break
      if (attempt > 300) throw new Error('isogate did not start within 30s')
      await sleep(100)
    }
    if (isolation && !stamps) await prepareColdStart(admin, upstream)
    await adminPost(admin, '/services', { name: 'bench', url: upstream })
    await adminPost(admin, '/services/bench/routes', { paths: ['/'] })
    const base = { url, pid: child.pid as number, stop }
    if (stamps) {
      for (const name of stampNames(stamps.count)) await adminPost(admin, '/plugins', { name })
      return { name: `isogate, ${stamps.count} plugins (isolation=${isolation ?? 'plugin'})`, ...base }
    }
    if (!isolation) return { name: 'isogate, no plugins', ...base }
    if (plugins === 'key-auth') {
      return {
        name: 'isogate, key-auth (warm cache)',
        ...base,
        statusUrl: `http://127.0.0.1:${statusPort}`,
        headers: await configureKeyAuth(admin),
      }
    }
    await configurePlugins(admin)
    return {
      name: `isogate, 5 plugins (isolation=${isolation})`,
      ...base,
      statusUrl: `http://127.0.0.1:${statusPort}`,
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
