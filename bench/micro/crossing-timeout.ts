/**
 * What isolated-vm's per-call `timeout` costs: N trivial `applySync` calls into one isolate, with a
 * timeout and without, as process CPU per call (user + sys, every thread, counted until every
 * deadline has passed, so a timer thread's late wake-ups are included) and context switches (all
 * threads). `loop`: the calls back to back; `paced`: 4 calls per event-loop timer tick (~1 ms), the
 * way a gateway spreads them. A dev figure, not a test:
 * `node --no-node-snapshot --import tsx bench/micro/crossing-timeout.ts [n] [isolated-vm module path]`
 */
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import type ivm from 'isolated-vm'

const n = Number(process.argv[2] ?? 20_000)
const ivmModule = createRequire(import.meta.url)(process.argv[3] ?? 'isolated-vm') as typeof ivm

const isolate = new ivmModule.Isolate({ memoryLimit: 64 })
const context = isolate.createContextSync()
const fn = context.evalSync('(function (s) { return s.length })', { reference: true }) as ivm.Reference
const call = (timeout: number) =>
  fn.applySync(undefined, ['x'], { arguments: { copy: true }, result: { copy: true }, timeout })

const switches = (): number => {
  const usage = process.resourceUsage()
  return usage.voluntaryContextSwitches + usage.involuntaryContextSwitches
}

async function measure(paced: boolean, timeout: number): Promise<string> {
  const s0 = switches()
  const cpu = process.cpuUsage()
  if (paced) {
    for (let i = 0; i < n; ) {
      for (let k = 0; k < 4 && i < n; k++, i++) call(timeout)
      await sleep(1)
    }
  } else {
    for (let i = 0; i < n; i++) call(timeout)
  }
  await sleep(timeout + 200)
  const used = process.cpuUsage(cpu)
  const perCall = (used.user + used.system) / n
  return `${perCall.toFixed(2).padStart(6)} µs CPU/call  ${String(switches() - s0).padStart(6)} context switches`
}

for (let i = 0; i < 2000; i++) call(450) // warm-up
await sleep(650)
for (const paced of [false, true]) {
  for (const timeout of [0, 450, 50]) {
    const name = `${paced ? 'paced' : 'loop'}, ${timeout ? `timeout ${timeout} ms` : 'no timeout'}`
    console.log(`${name.padEnd(26)} ${await measure(paced, timeout)}`)
  }
}
isolate.dispose()
