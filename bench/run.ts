/**
 * `npm run bench [-- --quick | --tiny] [-- --rate <req/s>]`: the price of the gateway, measured
 * side by side in one run. Each contender runs in its own process; load comes from a separate
 * process: rounds at saturation (autocannon, fixed connections and duration, after a warm-up;
 * medians reported), then one paced run at a fixed rate per contender.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import {
  type Contender,
  startBareProxy,
  startInProcess,
  startIsogate,
  startStampSeries,
  startUpstream,
} from './contenders.ts'
import type { LoadCommand } from './load.ts'
import { nginxVersion, startNginx } from './nginx.ts'
import { measureNoisyNeighbour } from './noisy-neighbour.ts'
import { type ColdStart, scrapePhaseCalls } from './plugin-figures.ts'
import { measurePluginSeries, seriesSteps } from './plugin-series.ts'
import { startPluginServerContender } from './plugin-server/index.ts'
import { atMost, firstJsonLine, spawnScript, stopProcess, usage } from './processes.ts'
import {
  type BenchSettings,
  cpuPerRequest,
  describeMachine,
  type FixedLoad,
  type IdleIsolates,
  type NoopCrossing,
  type Row,
  type SeriesPoint,
  type SpreadPoint,
  summarize,
  toFixedRate,
  writeReport,
} from './report/index.ts'
import { writeStampPlugins } from './stamp-plugins.ts'
import { measureSpread, SPREAD_COUNTS, type SpreadGateway } from './workspace-spread.ts'

type SaturationLoad = Omit<Row, 'name' | 'cpuPer1k' | 'peakRssMb'>

const flag = (name: string) => process.argv.includes(`--${name}`)
const rateFlag = process.argv.indexOf('--rate')
const mode: BenchSettings['mode'] = flag('tiny') ? 'tiny' : flag('quick') ? 'quick' : 'full'
// --tiny is the harness test's: seconds matter, numbers do not. A short warm-up all the same: on
// a busy machine a cold gateway's first requests could take the whole round, which then counts none.
const presets = {
  tiny: {
    connections: 4,
    warmup: 0.25,
    seconds: 0.5,
    rounds: 1,
    rate: 200,
    rateSeconds: 0.5,
    rateConnections: 8,
    seriesRateSeconds: 0.5,
  },
  // A quick look (about a minute): short rounds, the series and micro figures at fewer points.
  quick: {
    connections: 32,
    warmup: 1,
    seconds: 0.75,
    rounds: 3,
    rate: 2000,
    rateSeconds: 0.5,
    rateConnections: 64,
    seriesRateSeconds: 0.5,
  },
  // Issue 12's p99 figure is at 2,000 req/s over 30 s; the series' CPU points need less.
  full: {
    connections: 64,
    warmup: 3,
    seconds: 10,
    rounds: 3,
    rate: 2000,
    rateSeconds: 30,
    rateConnections: 64,
    seriesRateSeconds: 5,
  },
}
const settings: BenchSettings = { mode, ...presets[mode] }
if (rateFlag > 0) settings.rate = Number(process.argv[rateFlag + 1])
if (!(settings.rate > 0)) throw new Error('--rate needs a positive number of requests per second')
const outDir = process.env.BENCH_OUT_DIR ?? fileURLToPath(new URL('./results/', import.meta.url))

/** The load generator (bench/load.ts): one process for the whole run, one command at a time. */
function startLoadGenerator() {
  const script = fileURLToPath(new URL('./load.ts', import.meta.url))
  const args = ['--no-node-snapshot', '--import', import.meta.resolve('tsx'), script]
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  return {
    async run<T>(command: LoadCommand): Promise<T> {
      child.stdin.write(`${JSON.stringify(command)}\n`)
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('no answer from the load generator')),
          (command.seconds + 60) * 1000,
        )
      })
      try {
        const next = await Promise.race([answers.next(), timeout])
        if (next.done) throw new Error('the load generator exited')
        return JSON.parse(next.value) as T
      } finally {
        clearTimeout(timer)
      }
    },
    stop: () => stopProcess(child),
  }
}

const generator = startLoadGenerator()
const headers = (contender: Contender) => (contender.headers ? { headers: contender.headers } : {})

const saturate = (contender: Contender, seconds: number) =>
  generator.run<SaturationLoad>({
    mode: 'saturate',
    url: contender.url,
    connections: settings.connections,
    seconds,
    ...headers(contender),
  })

/** A fixed-rate run; the load generator reads the CPU of the contender's counted processes. */
const paced = (contender: Contender, seconds = settings.rateSeconds) =>
  generator.run<FixedLoad>({
    mode: 'rate',
    url: contender.url,
    rate: settings.rate,
    seconds,
    connections: settings.rateConnections,
    cpuPids: contender.cpu.pids(),
    ...headers(contender),
  })

const pacedOutcome = (r: FixedLoad) => {
  const cpu = cpuPerRequest(r)
  const perRequest = cpu === null ? '' : `, ${cpu.toFixed(1)} µs CPU/req`
  return `${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms${perRequest}`
}

/** `[3/18] round 2/3: isogate, no plugins ... 22840 req/s`, on stderr while the run goes. */
let step = 0
let steps = 0
async function progress<T>(label: string, run: () => Promise<T>, outcome: (result: T) => string): Promise<T> {
  process.stderr.write(`[${++step}/${steps}] ${label} ...`)
  const result = await run()
  process.stderr.write(` ${outcome(result)}\n`)
  return result
}

async function measure(contender: Contender, round: number): Promise<Row> {
  const label = `round ${round + 1}/${settings.rounds}: ${contender.name}`
  return progress(
    label,
    async () => {
      // Once per contender: later rounds find its code compiled and its pools filled.
      if (round === 0 && settings.warmup > 0) await saturate(contender, settings.warmup)
      const before = usage(contender.pid)
      const load = await saturate(contender, settings.seconds)
      const after = usage(contender.pid)
      const cpu = after.cpuSeconds - before.cpuSeconds
      const cpuPer1k = load.requests > 0 ? (cpu / load.requests) * 1000 : 0
      return { name: contender.name, ...load, cpuPer1k, peakRssMb: after.peakRssMb }
    },
    (row) => `${Math.round(row.rps)} req/s`,
  )
}

/** How many idle isolates are measured in each mode (a full run: issue 5's 1, 100 and 1,000). */
const IDLE_COUNTS: Record<BenchSettings['mode'], string> = {
  tiny: '1,10',
  quick: '1,100',
  full: '1,100,1000',
}

/** Waits for every start; throws the first failure once all have settled (see `running`). */
async function settleAll<T>(starts: Promise<T>[]): Promise<T[]> {
  const outcomes = await Promise.allSettled(starts)
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value)
}

const nginx = nginxVersion()
const stamps = writeStampPlugins()
/** Everything started, stopped at the end whatever happens (in reverse). */
const running: { stop(): Promise<void> }[] = []
/** A few starts at a time (see atMost); each tracked in `running` once started. */
const limit = atMost(3)
const tracked = <T extends { stop(): Promise<void> }>(start: () => Promise<T>): Promise<T> =>
  limit(start).then((started) => {
    running.push(started)
    return started
  })
/** Stops the load generator and everything started (once, whichever asks first). */
let stopping: Promise<void> | undefined
const stopAll = () => {
  stopping ??= (async () => {
    await generator.stop()
    for (const started of running.reverse()) await started.stop()
    rmSync(stamps, { recursive: true, force: true })
  })()
  return stopping
}
// Stopped from outside (the harness test giving up, a kill): no contender is left running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopAll().finally(() => process.exit(1))
  })
}
try {
  const upstream = await tracked(() => startUpstream())
  if (!nginx) process.stderr.write('bench: nginx is not on the PATH: skipped\n')
  const startedAt = performance.now()
  process.stderr.write('bench: starting the contenders ...')
  // Together (a start is mostly node and tsx loading), the series' two gateways with them.
  const [contenders, seriesGateways] = await Promise.all([
    settleAll([
      tracked(() => startBareProxy(upstream.url)),
      ...(nginx ? [tracked(() => startNginx(upstream.url))] : []),
      tracked(() => startIsogate(upstream.url)),
      tracked(() => startIsogate(upstream.url, 'key-auth')),
      tracked(() => startIsogate(upstream.url, 'plugin')),
      tracked(() => startIsogate(upstream.url, 'workspace')),
      tracked(() => startInProcess(upstream.url)),
      tracked(() => startPluginServerContender(upstream.url)),
    ]).then((started) => [upstream, ...started]),
    settleAll(
      (['plugin', 'workspace'] as const).map((isolation) =>
        tracked(() => startStampSeries(upstream.url, isolation, stamps)),
      ),
    ),
  ])
  process.stderr.write(` ${contenders.length} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`)
  // One at a time on a quiet machine, before any load.
  const coldStarts = new Map<Contender, ColdStart>()
  for (const contender of contenders) {
    if (contender.measureColdStart) coldStarts.set(contender, await contender.measureColdStart())
  }
  const machine = describeMachine(settings, nginx)
  steps =
    contenders.length * (settings.rounds + 1) + 2 * seriesSteps(mode) + 2 * SPREAD_COUNTS[mode].length + 2 + 1
  process.stderr.write(
    `bench: ${contenders.length} contenders; ${settings.rounds} rounds at saturation ` +
      `(${settings.connections} connections, ${settings.seconds}s), then ${settings.rate} req/s for ${settings.rateSeconds}s\n`,
  )
  const rows: Row[] = []
  for (let round = 0; round < settings.rounds; round++) {
    for (const contender of contenders) rows.push(await measure(contender, round))
  }
  const summary = summarize(
    rows,
    contenders.map((c) => c.name),
  )
  for (const [i, contender] of contenders.entries()) {
    const row = summary[i]
    if (row === undefined) continue
    // Right after the saturation rounds: the workers' rings hold the last round's phase calls.
    if (contender.statusUrl) row.phaseCalls = await scrapePhaseCalls(contender.statusUrl)
    const coldStart = coldStarts.get(contender)
    if (coldStart) row.coldStart = coldStart
  }
  for (const [i, contender] of contenders.entries()) {
    const load = await progress(
      `${settings.rate} req/s: ${contender.name}`,
      () => paced(contender),
      pacedOutcome,
    )
    const row = summary[i]
    if (row) row.fixed = toFixedRate(settings.rate, load, contender.cpu.of)
  }
  const series: SeriesPoint[] = []
  const crossings: NoopCrossing[] = []
  for (const gateway of seriesGateways) {
    const measured = await measurePluginSeries({ settings, saturate, paced, pacedOutcome, progress }, gateway)
    crossings.push(measured.crossing)
    series.push(...measured.points)
    await gateway.stop()
  }
  const spread: SpreadPoint[] = []
  const spreadLoad = ({ url, hosts }: SpreadGateway, seconds: number) =>
    generator.run<SaturationLoad>({
      mode: 'saturate',
      url,
      connections: settings.connections,
      seconds,
      hosts,
    })
  for (const workspaces of SPREAD_COUNTS[mode]) {
    const run = { upstream: upstream.url, settings, saturate: spreadLoad, progress }
    spread.push(await measureSpread(run, workspaces))
  }
  const noisy = await measureNoisyNeighbour({
    upstream: upstream.url,
    stamps,
    mode,
    load: (command) => generator.run(command),
    progress,
  })
  const idle = await progress(
    `idle isolates: ${IDLE_COUNTS[mode]}`,
    () => firstJsonLine<IdleIsolates>(spawnScript('./micro/idle-isolates.ts', [IDLE_COUNTS[mode]]), 300_000),
    (r) => r.counts.map((c) => `${c.count}: ${c.perIsolateMb} MB each`).join(', '),
  )
  const markdown = writeReport(outDir, machine, summary, rows, { idle, series, crossings, spread, noisy })
  process.stdout.write(`\n${markdown}\nWritten to ${outDir}\n`)
} finally {
  await stopAll()
}
