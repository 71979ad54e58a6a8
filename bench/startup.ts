/**
 * How fast and light the `isogate` command is for an operator (issue 13's budgets): `--version`,
 * `start` to `/status/ready` on an empty SQLite database with one and with two proxy workers,
 * `stop` of an idle node, and the resident memory of each process of an idle node and of the
 * quickstart (`npm start`'s tree, without npm itself). Each figure is the median of `runs` with
 * the range beside it. Loopback only; every node is stopped and its prefix removed.
 *
 *     npm run bench:startup [-- --runs 5]
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { processTree } from './cpu-time.ts'
import { pickPort, stopProcess } from './processes.ts'

const BIN = fileURLToPath(new URL('../bin/isogate.js', import.meta.url))
const QUICKSTART = fileURLToPath(new URL('../dist/quickstart.js', import.meta.url))
const runsArg = process.argv.indexOf('--runs')
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5
/** Idle this long before memory is read: startup garbage collected, nothing running. */
const IDLE_MS = 3_000

interface Figure {
  median: number
  min: number
  max: number
}

function figure(values: number[]): Figure {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    median: sorted[Math.floor(sorted.length / 2)] as number,
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
  }
}

const seconds = (f: Figure) =>
  `${(f.median / 1000).toFixed(2)} s (${(f.min / 1000).toFixed(2)}–${(f.max / 1000).toFixed(2)})`

/** Runs the command as an operator does (the bin through its shebang) and times it to its exit. */
async function timed(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const started = performance.now()
  const child = spawn(BIN, args, { stdio: 'ignore', env })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`isogate ${args.join(' ')} exited ${code}`)
  return performance.now() - started
}

async function until(what: string, check: () => Promise<boolean>, limitMs = 60_000): Promise<void> {
  const deadline = performance.now() + limitMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${limitMs} ms`)
    await sleep(10)
  }
}

const answers = (url: string) => () =>
  fetch(url).then(
    (r) => r.ok,
    () => false,
  )

/** Resident set of each process of the tree, MB, labelled by what it runs. */
function rssByProcess(root: number): { what: string; mb: number }[] {
  return processTree(root).flatMap((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
      const script = args.find((arg) => /\.(js|ts|mjs)$/.test(arg)) ?? args[0] ?? '?'
      return [{ what: script.replace(/^.*\/(bin|dist|node_modules)\//, '$1/'), mb: rss / 1024 }]
    } catch {
      return []
    }
  })
}

interface Node {
  child: ChildProcess
  env: NodeJS.ProcessEnv
  readyMs: number
  prefix: string
}

async function startNode(workers: number): Promise<Node> {
  const prefix = mkdtempSync(join(tmpdir(), 'isogate-startup-'))
  const [proxy, admin, status] = [await pickPort(), await pickPort(), await pickPort()]
  const env = {
    ...process.env,
    ISOGATE_PREFIX: prefix,
    ISOGATE_PROXY_LISTEN: `127.0.0.1:${proxy}`,
    ISOGATE_ADMIN_LISTEN: `127.0.0.1:${admin}`,
    ISOGATE_STATUS_LISTEN: `127.0.0.1:${status}`,
    ISOGATE_WORKER_PROCESSES: String(workers),
  }
  const started = performance.now()
  const child = spawn(BIN, ['start'], { stdio: 'ignore', env })
  try {
    await until('start', answers(`http://127.0.0.1:${status}/status/ready`))
  } catch (error) {
    await stopProcess(child)
    rmSync(prefix, { recursive: true, force: true })
    throw error
  }
  return { child, env, readyMs: performance.now() - started, prefix }
}

/** `isogate stop` against the idle node: until the node's process has exited. */
async function stopNode(node: Node): Promise<number> {
  const started = performance.now()
  const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()))
  await timed(['stop'], node.env)
  await exited
  rmSync(node.prefix, { recursive: true, force: true })
  return performance.now() - started
}

async function quickstartMemory(): Promise<{ what: string; mb: number }[]> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--enable-source-maps', QUICKSTART], {
    stdio: 'ignore',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  })
  try {
    await until('quickstart', answers('http://127.0.0.1:8007/status/ready'))
    await sleep(IDLE_MS)
    return rssByProcess(child.pid as number)
  } finally {
    await stopProcess(child, 'SIGTERM')
    rmSync(fileURLToPath(new URL('../.isogate', import.meta.url)), { recursive: true, force: true })
  }
}

const version: number[] = []
for (let i = 0; i < RUNS; i++) version.push(await timed(['--version']))
console.log(`isogate --version            ${seconds(figure(version))}  budget ≤ 0.30 s`)

for (const workers of [1, 2]) {
  const ready: number[] = []
  const stop: number[] = []
  let memory: { what: string; mb: number }[] = []
  for (let i = 0; i < RUNS; i++) {
    const node = await startNode(workers)
    ready.push(node.readyMs)
    await sleep(IDLE_MS)
    if (i === 0) memory = rssByProcess(node.child.pid as number)
    stop.push(await stopNode(node))
  }
  const budget = workers === 1 ? 2 : 3
  console.log(
    `start → ready, ${workers} worker(s)   ${seconds(figure(ready))}  budget ≤ ${budget.toFixed(2)} s`,
  )
  console.log(`stop (idle), ${workers} worker(s)     ${seconds(figure(stop))}  budget ≤ 1.00 s`)
  const total = memory.reduce((sum, p) => sum + p.mb, 0)
  console.log(
    `idle RSS, ${workers} worker(s)        ${total.toFixed(0)} MB: ${memory.map((p) => `${p.what} ${p.mb.toFixed(0)}`).join(', ')}`,
  )
}

const quick = await quickstartMemory()
const total = quick.reduce((sum, p) => sum + p.mb, 0)
console.log(
  `quickstart idle RSS           ${total.toFixed(0)} MB: ${quick.map((p) => `${p.what} ${p.mb.toFixed(0)}`).join(', ')}  budget ≤ 250 MB`,
)
