/**
 * `npm run bench [-- --quick]`: the price of the gateway, measured side by side in one run.
 * Each contender runs in its own process; load comes from a separate autocannon process with
 * fixed connections and duration, after a warm-up, over several rounds (medians reported).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { type Contender, startBareProxy, startIsogate, startUpstream } from './contenders.ts'
import { scrapePhaseCalls } from './plugin-figures.ts'
import { firstJsonLine, spawnScript, usage } from './processes.ts'
import { type Row, renderMarkdown, summarize } from './report.ts'

interface LoadResult {
  rps: number
  p50: number
  p99: number
  max: number
  requests: number
  errors: number
  non2xx: number
}

const quick = process.argv.includes('--quick')
const tiny = process.argv.includes('--tiny') // the harness test: seconds matter, numbers do not
const settings = tiny
  ? { connections: 4, warmup: 1, seconds: 1, rounds: 1 }
  : quick
    ? { connections: 32, warmup: 1, seconds: 3, rounds: 3 }
    : { connections: 64, warmup: 3, seconds: 10, rounds: 3 }
const outDir = process.env.BENCH_OUT_DIR ?? fileURLToPath(new URL('./results/', import.meta.url))

async function drive(contender: Contender, seconds: number): Promise<LoadResult> {
  const headers = contender.headers ? [JSON.stringify(contender.headers)] : []
  return firstJsonLine<LoadResult>(
    spawnScript('./load.ts', [contender.url, String(settings.connections), String(seconds), ...headers]),
    (seconds + 30) * 1000,
  )
}

async function measure(contender: Contender, round: number): Promise<Row> {
  process.stderr.write(`  round ${round + 1}/${settings.rounds}: ${contender.name} ...`)
  await drive(contender, settings.warmup)
  const before = usage(contender.pid)
  const load = await drive(contender, settings.seconds)
  const after = usage(contender.pid)
  const cpuPer1k = load.requests > 0 ? ((after.cpuSeconds - before.cpuSeconds) / load.requests) * 1000 : 0
  process.stderr.write(` ${Math.round(load.rps)} req/s\n`)
  return { name: contender.name, ...load, cpuPer1k, peakRssMb: after.peakRssMb }
}

const upstream = await startUpstream()
const contenders: Contender[] = [upstream]
try {
  contenders.push(await startBareProxy(upstream.url))
  contenders.push(await startIsogate(upstream.url))
  contenders.push(await startIsogate(upstream.url, 'key-auth'))
  contenders.push(await startIsogate(upstream.url, 'plugin'))
  contenders.push(await startIsogate(upstream.url, 'workspace'))
  process.stderr.write(
    `bench: ${settings.rounds} rounds × ${contenders.length} contenders, ${settings.connections} connections, ${settings.seconds}s each\n`,
  )
  const rows: Row[] = []
  for (let round = 0; round < settings.rounds; round++) {
    for (const contender of contenders) rows.push(await measure(contender, round))
  }
  const summary = summarize(
    rows,
    contenders.map((c) => c.name),
  )
  // After the measured rounds: the workers' rings hold the latest phase calls of the load.
  for (const [i, contender] of contenders.entries()) {
    const row = summary[i]
    if (row === undefined) continue
    if (contender.statusUrl) row.phaseCalls = await scrapePhaseCalls(contender.statusUrl)
    if (contender.coldStart) row.coldStart = contender.coldStart
  }
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    date: new Date().toISOString(),
    settings,
  }
  const markdown = renderMarkdown(machine, summary)
  process.stdout.write(`\n${markdown}\n`)
  mkdirSync(outDir, { recursive: true })
  writeFileSync(`${outDir}/latest.json`, `${JSON.stringify({ machine, summary, rows }, null, 2)}\n`)
  writeFileSync(`${outDir}/latest.md`, markdown)
} finally {
  for (const contender of contenders.reverse()) await contender.stop()
}
