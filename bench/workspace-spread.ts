import { Pool } from 'undici'
import { launchIsogate } from './isogate-process.ts'
import { adminPost } from './plugin-figures.ts'
import { usage } from './processes.ts'
import type { BenchSettings, SpreadPoint } from './report/index.ts'

/**
 * Issue 5 point 3: throughput with the traffic spread over many workspaces, each with its own
 * isolate. One gateway per count (`isolation = workspace`), N workspaces `w1`…`wN`, each with a
 * service to the upstream, a route by host `wI.bench` and one plugin of its own.
 */

/** A gateway configured with `workspaces` workspaces; the load cycles over `hosts`. */
export interface SpreadGateway {
  workspaces: number
  url: string
  pid: number
  hosts: string[]
  /** Wall time of the Admin API calls that configured every workspace. */
  configureSeconds: number
  stop(): Promise<void>
}

/**
 * Workspaces configured at once. Every write answers only once the worker runs a snapshot with
 * it, and one snapshot covers every write committed before it was taken, so writes in flight
 * together share snapshots: 1,000 workspaces took ~90 s at 8, ~50 s at 32, ~28 s at 64.
 */
const CONFIGURE_IN_FLIGHT = 64

/** Requests in flight while every host is requested once before the load. */
const TOUCH_IN_FLIGHT = 8

const spreadHost = (i: number) => `w${i}.bench`

/** The four Admin API calls that give workspace `wI` its service, route by host and plugin. */
async function configureWorkspace(admin: string, upstream: string, i: number): Promise<void> {
  const ws = `w${i}`
  await adminPost(admin, '/workspaces', { name: ws })
  await adminPost(admin, `/${ws}/services`, { name: 's', url: upstream })
  await adminPost(admin, `/${ws}/services/s/routes`, { hosts: [spreadHost(i)] })
  await adminPost(admin, `/${ws}/plugins`, {
    name: 'request-transformer',
    config: { add: { headers: [`x-ws:${i}`] } },
  })
}

/** Runs `work(1…count)` with at most `limit` in flight; `onDone` after each. The first failure stops it. */
async function eachLimited(
  count: number,
  limit: number,
  work: (i: number) => Promise<void>,
  onDone: (done: number) => void = () => {},
): Promise<void> {
  let next = 1
  let done = 0
  let failed = false
  const lane = async () => {
    while (next <= count && !failed) {
      try {
        await work(next++)
      } catch (error) {
        failed = true
        throw error
      }
      onDone(++done)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane))
}

/**
 * `isogate start` (one proxy worker, access log off, `isolation = workspace`) with `workspaces`
 * workspaces configured through its Admin API, `CONFIGURE_IN_FLIGHT` at a time; `onProgress` gets the
 * number configured so far.
 */
export async function startSpread(
  upstream: string,
  workspaces: number,
  onProgress?: (done: number) => void,
): Promise<SpreadGateway> {
  const gateway = await launchIsogate({ ISOGATE_ISOLATION: 'workspace' })
  const { admin, stop } = gateway
  try {
    const started = performance.now()
    await eachLimited(
      workspaces,
      CONFIGURE_IN_FLIGHT,
      (i) => configureWorkspace(admin, upstream, i),
      onProgress,
    )
    const configureSeconds = (performance.now() - started) / 1000
    const hosts = Array.from({ length: workspaces }, (_, i) => spreadHost(i + 1))
    return {
      workspaces,
      url: gateway.url,
      pid: gateway.child.pid as number,
      hosts,
      configureSeconds,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/**
 * One request to every host, `TOUCH_IN_FLIGHT` at a time, so each workspace's isolate has run its
 * plugin before the load; throws on any answer but a 2xx.
 */
export async function touchEveryHost(gateway: SpreadGateway): Promise<void> {
  const pool = new Pool(gateway.url, { connections: TOUCH_IN_FLIGHT })
  try {
    await eachLimited(gateway.hosts.length, TOUCH_IN_FLIGHT, async (i) => {
      const host = gateway.hosts[i - 1] as string
      const answer = await pool.request({ method: 'GET', path: '/', headers: { host } })
      await answer.body.dump()
      if (answer.statusCode < 200 || answer.statusCode >= 300) {
        throw new Error(`spread: ${host} answered ${answer.statusCode}`)
      }
    })
  } finally {
    await pool.close()
  }
}

/** Workspace counts of the figure in each mode (a full run: issue 5's 1, 10, 100 and 1,000). */
export const SPREAD_COUNTS: Record<BenchSettings['mode'], number[]> = {
  tiny: [1, 3],
  quick: [1, 100],
  full: [1, 10, 100, 1000],
}

/** What the load generator's `saturate` reports that the figure uses. */
export interface SpreadLoad {
  requests: number
  rps: number
  errors: number
  non2xx: number
}

/** The run's progress line (bench/run.ts): `[k/n] label ... outcome`. */
export type Progress = <T>(label: string, run: () => Promise<T>, outcome: (result: T) => string) => Promise<T>

export interface SpreadRun {
  upstream: string
  settings: Pick<BenchSettings, 'warmup' | 'seconds'>
  /** Saturation load on `gateway.url`, cycling over `gateway.hosts`. */
  saturate(gateway: SpreadGateway, seconds: number): Promise<SpreadLoad>
  progress: Progress
}

/**
 * One point: configure a gateway with `workspaces` workspaces (two progress steps: the set-up,
 * with a count every tenth from 100 workspaces on, and the load), request every host once, warm
 * up, then one round at saturation spread over every host.
 */
export async function measureSpread(run: SpreadRun, workspaces: number): Promise<SpreadPoint> {
  const named = `${workspaces} workspace${workspaces === 1 ? '' : 's'}`
  const tenth = workspaces >= 100 ? Math.ceil(workspaces / 10) : Number.POSITIVE_INFINITY
  const gateway = await run.progress(
    `spread: configuring ${named}`,
    () =>
      startSpread(run.upstream, workspaces, (done) => {
        if (done % tenth === 0) process.stderr.write(` ${done}`)
      }),
    (g) => `configured in ${g.configureSeconds.toFixed(1)} s`,
  )
  try {
    return await run.progress(
      `spread: ${named}`,
      async () => {
        await touchEveryHost(gateway)
        if (run.settings.warmup > 0) await run.saturate(gateway, run.settings.warmup)
        const before = usage(gateway.pid)
        const load = await run.saturate(gateway, run.settings.seconds)
        const after = usage(gateway.pid)
        const cpu = after.cpuSeconds - before.cpuSeconds
        return {
          workspaces,
          rps: load.rps,
          errors: load.errors + load.non2xx,
          cpuPer1k: load.requests > 0 ? (cpu / load.requests) * 1000 : 0,
          rssMb: after.rssMb,
          configureSeconds: gateway.configureSeconds,
          configureInFlight: CONFIGURE_IN_FLIGHT,
        }
      },
      (p) => `${Math.round(p.rps)} req/s${p.errors > 0 ? `, ${p.errors} errors` : ''}`,
    )
  } finally {
    await gateway.stop()
  }
}
