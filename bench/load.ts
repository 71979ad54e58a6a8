/**
 * The load generator, run as its own process so it does not share an event loop with what it
 * measures. It lives for the whole run (a node + tsx start per measurement costs more than a quick
 * round): commands come one JSON line at a time on stdin, each answered by one JSON line on stdout.
 *
 * - `saturate`: autocannon, closed loop: each connection sends its next request when the last one
 *   answered, for a fixed duration.
 * - `rate`: paced, open loop: requests leave on a fixed schedule whatever the answers do, over a
 *   pool of up to `connections`. autocannon's `overallRate` is not used: it lets each connection
 *   fire its share of a second back to back and then idles, which measures a burst at saturation,
 *   and it records whole milliseconds; here latency is timed per request in microseconds. The first
 *   second (half the run if shorter) warms the pool's connections and is not counted.
 * - `beside`: the noisy-neighbour figure: `rate` paced as above (the quiet workspace), while
 *   `noisy.connections` saturate the same gateway with `noisy.headers` (the noisy workspace) from
 *   a moment before the paced run starts until a moment after it ends.
 */
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { Pool } from 'undici'
import { type CpuSample, cpuSecondsBetween, sampleCpu } from './cpu-time.ts'

interface Load {
  url: string
  seconds: number
  connections: number
  /** Headers every request carries (key-auth's key). */
  headers?: Record<string, string>
  /** Host headers the requests cycle over, evenly (the workspace-spread figure). */
  hosts?: string[]
}

/** The saturating load beside a paced one (`beside`). */
interface Noisy {
  connections: number
  headers: Record<string, string>
}

/** A paced run: `rate` req/s; `cpuPids`' CPU is read at the measured window's ends (see paced). */
interface Paced {
  rate: number
  cpuPids?: number[]
}

/** At saturation: `connections` kept busy. At a rate: `rate` req/s over up to `connections`. */
export type LoadCommand = (
  | { mode: 'saturate' }
  | ({ mode: 'rate' } & Paced)
  | { mode: 'beside'; rate: number; noisy: Noisy }
) &
  Load

/** How long the noisy load runs alone before the paced one starts, and after it ends, s. */
const NOISY_LEAD_S = 0.5

/**
 * Each connection cycles over every host, starting at its own offset, so a round shorter than
 * one cycle still spreads over all of them.
 */
function spreadOver(hosts: string[], connections: number) {
  let client = 0
  const requests = (start: number) =>
    [...hosts.slice(start), ...hosts.slice(0, start)].map((host) => ({ headers: { host } }))
  return {
    requests: requests(0),
    setupClient: (c: { setRequests(requests: unknown[]): void }) => {
      c.setRequests(requests(Math.floor((client++ * hosts.length) / connections) % hosts.length))
    },
  }
}

async function saturate({ url, connections, seconds, headers, hosts }: Load) {
  // autocannon samples, and so stops, on a 1 s tick: a shorter run (a warm-up, a --quick round)
  // samples faster, and its rate is what it answered over how long it ran.
  const short = seconds < 1
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    pipelining: 1,
    ...(short ? { sampleInt: 100 } : {}),
    ...(headers ? { headers } : {}),
    ...(hosts && hosts.length > 0 ? spreadOver(hosts, connections) : {}),
  })
  return {
    requests: result.requests.total,
    rps: short ? result.requests.total / result.duration : result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number) : 0

/**
 * The fixed-rate run. With `cpuPids`, their CPU is read here, where the schedule is known: when
 * the first counted request leaves and once the last one answered, so the CPU per request covers
 * the measured window only (not the warm-up's new connections).
 */
async function paced({ url, rate, seconds, connections, headers = {}, cpuPids }: Load & Paced) {
  const target = new URL(url)
  const pool = new Pool(target.origin, {
    connections,
    pipelining: 1,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  })
  const warm = Math.round(rate * Math.min(1, seconds / 2))
  const total = warm + Math.max(1, Math.round(rate * seconds))
  // A contender far below the rate would queue without end: at most one second's worth waits.
  const maxInFlight = Math.max(connections, rate)
  const latencies: number[] = []
  const pending: Promise<void>[] = []
  let [errors, non2xx, dropped, droppedCounted, inFlight, lastDone] = [0, 0, 0, 0, 0, 0]
  const one = async (counted: boolean) => {
    inFlight++
    const sent = performance.now()
    try {
      const answer = await pool.request({
        method: 'GET',
        path: target.pathname + target.search,
        headers,
      })
      await answer.body.dump()
      if (answer.statusCode < 200 || answer.statusCode >= 300) non2xx++
      else if (counted) latencies.push(performance.now() - sent)
    } catch {
      errors++
    }
    inFlight--
    lastDone = performance.now()
  }
  let cpuBefore: CpuSample | undefined
  const start = performance.now()
  for (let issued = 0; issued < total; await sleep(1)) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1)
    for (; issued < due; issued++) {
      if (issued === warm && cpuPids) cpuBefore = sampleCpu(cpuPids)
      if (inFlight < maxInFlight) pending.push(one(issued >= warm))
      else if (issued >= warm) droppedCounted++
      else dropped++
    }
  }
  await Promise.all(pending)
  const cpuSeconds = cpuBefore && cpuPids ? cpuSecondsBetween(cpuBefore, sampleCpu(cpuPids)) : null
  await pool.close()
  latencies.sort((x, y) => x - y)
  const elapsed = Math.max(lastDone - start - (warm * 1000) / rate, 1) / 1000
  return {
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
    errors,
    non2xx,
    dropped: dropped + droppedCounted,
    /** Requests sent in the measured window (answered or failed), and the CPU it cost `cpuPids`. */
    sent: total - warm - droppedCounted,
    cpuSeconds,
  }
}

async function beside(command: Load & { rate: number; noisy: Noisy }) {
  // paced() runs its warm-up (a second, or half the run) and then `seconds`.
  const pacedSeconds = Math.min(1, command.seconds / 2) + command.seconds
  const seconds = pacedSeconds + 2 * NOISY_LEAD_S
  const noisy = saturate({ url: command.url, seconds, ...command.noisy })
  await sleep(NOISY_LEAD_S * 1000)
  const quiet = await paced(command)
  return { quiet, noisy: { ...(await noisy), seconds } }
}

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as LoadCommand
  const result =
    command.mode === 'rate'
      ? await paced(command)
      : command.mode === 'beside'
        ? await beside(command)
        : await saturate(command)
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
