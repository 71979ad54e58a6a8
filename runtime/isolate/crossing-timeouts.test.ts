import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import type ivm from 'isolated-vm'
import { afterEach, describe, expect, it } from 'vitest'
import { fakeIsolate, phaseCall } from './fake-prelude.fixture.ts'
import { isLimitExceeded, type PluginIsolate, runPhase } from './index.ts'

/**
 * isolated-vm's timeouts as patched (patches/isolated-vm-5.0.4.patch): one re-armed timer per
 * isolate and one monitor thread per process instead of a timer object per call. What must hold is
 * what held before: every armed timeout fires, never before its own deadline, whatever the other
 * isolates arm meanwhile, and nested calls keep their deadlines (time spent in another isolate is
 * not counted). Lower bounds only: a timeout may fire late on a busy machine, never early.
 */
const IVM_PATH = createRequire(import.meta.url).resolve('isolated-vm')
const ivmModule = createRequire(import.meta.url)('isolated-vm') as typeof ivm

const TIMED_OUT = 'Script execution timed out.'

/** Plain JavaScript run by each worker thread: its own isolate, re-armed many times, then a loop. */
const LOOPER = `
const { parentPort, workerData } = require('node:worker_threads');
const ivm = require(workerData.ivm);
const isolate = new ivm.Isolate({ memoryLimit: 16 });
const context = isolate.createContextSync();
const quick = context.evalSync('(function (n) { return n + 1 })', { reference: true });
const spin = context.evalSync('(function () { for (;;) {} })', { reference: true });
let rearmed = 0;
for (let i = 0; i < workerData.rearm; i++) rearmed = quick.applySync(undefined, [i], { timeout: 2000 + (i % 5) * 500 });
const started = performance.now();
let message = 'returned';
try { spin.applySync(undefined, [], { timeout: workerData.timeout }); } catch (error) { message = error.message; }
parentPort.postMessage({ message, elapsed: performance.now() - started, rearmed });
isolate.dispose();
`

interface Looped {
  message: string
  elapsed: number
  rearmed: number
}

const workers: Worker[] = []
const open: PluginIsolate[] = []
afterEach(async () => {
  for (const created of open.splice(0)) created.dispose()
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()))
})

function loopInWorker(timeout: number, rearm: number): Promise<Looped> {
  const worker = new Worker(LOOPER, { eval: true, workerData: { ivm: IVM_PATH, timeout, rearm } })
  workers.push(worker)
  return new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}

describe('crossing timeouts (the patched isolated-vm)', () => {
  it('ends each of many isolates looping at once at its own deadline, never earlier', async () => {
    // Deadlines not in start order; each thread re-arms its isolate's timer many times first.
    const timeouts = [700, 250, 550, 100, 400, 850]
    const looping = timeouts.map((timeout, i) => loopInWorker(timeout, 200 * (i + 1)))
    // Meanwhile this thread arms and re-arms timeouts of its own, and hits its own limits.
    const plugins = await Promise.all(
      [20, 60, 5].map(async (cpuMs) => {
        const plugin = await fakeIsolate('{ access() { for (;;) {} } }', { memoryMb: 16 })
        open.push(plugin)
        return { plugin, cpuMs }
      }),
    )
    const quick = await fakeIsolate('{ access() { return { shared: { ok: true } } } }', { memoryMb: 16 })
    open.push(quick)
    for (let i = 0; i < 500; i++)
      expect(quick.dispatch(phaseCall(), 1000 + (i % 7) * 300).shared).toEqual({ ok: true })
    for (const { plugin, cpuMs } of plugins) {
      const started = performance.now()
      const error = await runPhase(plugin, phaseCall(), { cpuMs, wallMs: 10_000 }, async () => null).catch(
        (failure: unknown) => failure,
      )
      expect(isLimitExceeded(error) && error.code).toBe('cpu_limit')
      // Armed at 4 × the CPU left + 50 ms of wall time.
      expect(performance.now() - started).toBeGreaterThanOrEqual(cpuMs * 4 + 50 - 1)
      expect(plugin.disposed).toBe(true)
    }
    const ended = await Promise.all(looping)
    for (const [i, { message, elapsed, rearmed }] of ended.entries()) {
      expect(message).toBe(TIMED_OUT)
      expect(elapsed).toBeGreaterThanOrEqual((timeouts[i] as number) - 1)
      expect(rearmed).toBe(200 * (i + 1))
    }
  })

  it('keeps the deadlines of calls nested in one isolate', () => {
    const isolate = new ivmModule.Isolate({ memoryLimit: 16 })
    try {
      const context = isolate.createContextSync()
      const busy = context.evalSync(
        '(function (ms) { const end = Date.now() + ms; while (Date.now() < end) {} return ms })',
        { reference: true },
      )
      context.global.setSync('busy', busy)
      // The inner call's shorter deadline ends the loop; the outer call's still holds after it.
      const inner = timed(() =>
        context.evalSync('busy.applySync(undefined, [1e9], { timeout: 60 })', { timeout: 5000 }),
      )
      expect(inner.message).toBe(TIMED_OUT)
      expect(inner.elapsed).toBeGreaterThanOrEqual(59)
      // The outer call's shorter deadline ends an inner call that would have run longer.
      const outer = timed(() =>
        context.evalSync('busy.applySync(undefined, [1e9], { timeout: 5000 })', { timeout: 80 }),
      )
      expect(outer.message).toBe(TIMED_OUT)
      expect(outer.elapsed).toBeGreaterThanOrEqual(79)
      // Both returned in time: nothing fires, and the isolate answers afterwards.
      expect(context.evalSync('busy.applySync(undefined, [5], { timeout: 2000 })', { timeout: 4000 })).toBe(5)
    } finally {
      isolate.dispose()
    }
  })

  it('does not count the time a call spends in another isolate against its deadline', () => {
    const caller = new ivmModule.Isolate({ memoryLimit: 16 })
    const callee = new ivmModule.Isolate({ memoryLimit: 16 })
    try {
      const context = caller.createContextSync()
      const busy = callee
        .createContextSync()
        .evalSync('(function (ms) { const end = Date.now() + ms; while (Date.now() < end) {} return ms })', {
          reference: true,
        })
      context.global.setSync('busy', busy)
      // 300 ms in the callee, under a 100 ms timeout of the caller: the caller's timer is paused.
      expect(context.evalSync('busy.applySync(undefined, [300], { timeout: 5000 })', { timeout: 100 })).toBe(
        300,
      )
      // The callee's own deadline still ends a loop there.
      const looped = timed(() =>
        context.evalSync('busy.applySync(undefined, [1e9], { timeout: 60 })', { timeout: 5000 }),
      )
      expect(looped.message).toBe(TIMED_OUT)
      // And the caller's own time still counts.
      const own = timed(() => context.evalSync('for (;;) {}', { timeout: 70 }))
      expect(own.message).toBe(TIMED_OUT)
      expect(own.elapsed).toBeGreaterThanOrEqual(69)
    } finally {
      caller.dispose()
      callee.dispose()
    }
  })
})

function timed(run: () => unknown): { message: string; elapsed: number } {
  const started = performance.now()
  try {
    run()
    return { message: 'returned', elapsed: performance.now() - started }
  } catch (error) {
    return { message: (error as Error).message, elapsed: performance.now() - started }
  }
}
