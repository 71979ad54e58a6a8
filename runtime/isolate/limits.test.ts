import { afterEach, describe, expect, it } from 'vitest'
import { fakeIsolate, phaseCall } from './fake-prelude.fixture.ts'
import { isIsolateError, isLimitExceeded, type PluginIsolate, runPhase } from './index.ts'

const open: PluginIsolate[] = []
async function isolate(handler: string, memoryMb = 32): Promise<PluginIsolate> {
  const created = await fakeIsolate(handler, { memoryMb })
  open.push(created)
  return created
}
afterEach(() => {
  for (const created of open.splice(0)) created.dispose()
})

/** The error a promise rejects with, or a test failure when it resolves. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a failure')
}
function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}
const noIo = async (): Promise<unknown> => null
const budget = { cpuMs: 100, wallMs: 2000 }

describe('CPU', () => {
  it('stops a synchronous infinite loop at the budget and disposes the isolate', async () => {
    const looping = await isolate('{ access() { while (true) {} } }')
    const started = performance.now()
    const error = await failure(runPhase(looping, phaseCall(), budget, noIo))
    console.log(
      `sync loop stopped after ${(performance.now() - started).toFixed(1)} ms (budget ${budget.cpuMs} ms)`,
    )
    expect(isLimitExceeded(error) && error.code).toBe('cpu_limit')
    expect(looping.disposed).toBe(true)
    expect(isIsolateError(thrown(() => looping.dispatch(phaseCall(), 10)))).toBe(true)
  })

  it('stops a loop that runs in a microtask of the same crossing', async () => {
    const looping = await isolate('{ async access() { await null; while (true) {} } }')
    const error = await failure(runPhase(looping, phaseCall(), budget, noIo))
    expect(isLimitExceeded(error) && error.code).toBe('cpu_limit')
    expect(looping.disposed).toBe(true)
  })

  it('stops an endless chain of microtasks', async () => {
    // The chain allocates as it spins: with the crossing armed at 4x the CPU budget + 50 ms, 32 MB
    // can run out first (then memory_limit, as contained); the CPU limit is what this test is about.
    const chaining = await isolate(
      '{ access() { const spin = () => Promise.resolve().then(spin); spin(); return {}; } }',
      256,
    )
    const error = await failure(runPhase(chaining, phaseCall(), budget, noIo))
    expect(isLimitExceeded(error) && error.code).toBe('cpu_limit')
  })

  it('stops a loop that starts after awaited I/O, in a later crossing', async () => {
    const looping = await isolate(`{ async access(m, host) { await host.io('db', 'x'); while (true) {} } }`)
    const requests: string[] = []
    const error = await failure(
      runPhase(looping, phaseCall(), budget, async (request) => {
        requests.push(request.op)
        return 'row'
      }),
    )
    expect(requests).toEqual(['db'])
    expect(isLimitExceeded(error) && error.code).toBe('cpu_limit')
    expect(looping.disposed).toBe(true)
  })

  it('charges CPU spent in many small slices across awaits', async () => {
    const slicing = await isolate(`{ async access(m, host) {
      for (let i = 0; i < 1000; i++) {
        const end = Date.now() + 5;
        while (Date.now() < end) {}
        await host.io('cache.get', i);
      }
    } }`)
    let slices = 0
    const error = await failure(
      runPhase(slicing, phaseCall(), { cpuMs: 60, wallMs: 10_000 }, async () => {
        slices++
        return null
      }),
    )
    expect(isLimitExceeded(error) && error.code).toBe('cpu_limit')
    // Every slice was far below the budget: only the sum can have stopped it.
    expect(slices).toBeGreaterThan(3)
    expect(slicing.disposed).toBe(true)
  })

  it('stops Atomics.wait, which blocks without burning CPU', async () => {
    const waiting = await isolate(
      '{ access() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); return {} } }',
    )
    const error = await failure(runPhase(waiting, phaseCall(), budget, noIo))
    expect(isLimitExceeded(error) && error.code).toBe('cpu_limit')
  })
})

describe('memory', () => {
  const bombs: Record<string, string> = {
    'growing arrays': '{ access() { const keep = []; while (true) keep.push([1, 2, 3, {}]); } }',
    'huge strings': `{ access() {
      const keep = [];
      for (let i = 0; ; i++) keep.push('x'.repeat(1024 * 1024) + i);
    } }`,
    'ArrayBuffers, then the heap': `{ access() {
      const keep = [];
      try { for (;;) keep.push(new ArrayBuffer(4 * 1024 * 1024)); } catch {}
      for (;;) keep.push({ more: keep.length });
    } }`,
  }
  for (const [name, handler] of Object.entries(bombs)) {
    it(`disposes an isolate filled with ${name} and the host goes on`, async () => {
      const bomb = await isolate(handler)
      const error = await failure(runPhase(bomb, phaseCall(), { cpuMs: 10_000, wallMs: 20_000 }, noIo))
      expect(isLimitExceeded(error) && error.code).toBe('memory_limit')
      expect(bomb.disposed).toBe(true)
      const healthy = await isolate('{ access() { return { shared: { ok: true } } } }')
      expect(healthy.dispatch(phaseCall(), 10_000).shared).toEqual({ ok: true })
      console.log(`after ${name}: host RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`)
    })
  }

  it('refuses one huge ArrayBuffer inside the isolate, without touching host memory', async () => {
    const rss = process.memoryUsage().rss
    const greedy = await isolate(
      '{ access() { return { shared: { size: new ArrayBuffer(2 ** 30).byteLength } } } }',
    )
    const { result } = await runPhase(greedy, phaseCall(), budget, noIo)
    expect(result.outcomes[0]?.status).toBe('error')
    expect(result.outcomes[0]?.error?.message).toMatch(/Array buffer allocation failed/)
    expect(process.memoryUsage().rss - rss).toBeLessThan(2 ** 28)
  })
})

describe('wall time', () => {
  it('fails a promise that never settles and disposes its isolate', async () => {
    const stuck = await isolate('{ access() { return new Promise(() => {}); } }')
    const error = await failure(runPhase(stuck, phaseCall(), { cpuMs: 100, wallMs: 200 }, noIo))
    expect(isLimitExceeded(error) && error.code).toBe('wall_limit')
    expect(stuck.disposed).toBe(true)
  })

  it('fails a call whose host I/O never answers', async () => {
    const waiting = await isolate(`{ async access(m, host) { await host.io('db'); } }`)
    const error = await failure(
      runPhase(waiting, phaseCall(), { cpuMs: 100, wallMs: 200 }, () => new Promise(() => {})),
    )
    expect(isLimitExceeded(error) && error.code).toBe('wall_limit')
  })

  it('keeps other isolates working while one waits forever', async () => {
    const stuck = await isolate('{ access() { return new Promise(() => {}); } }')
    const busy = await isolate(
      `{ async access(m, host) { return { shared: { got: await host.io('db', m.rid) } }; } }`,
    )
    const forever = failure(runPhase(stuck, phaseCall(), { cpuMs: 100, wallMs: 300 }, noIo))
    const answers: unknown[] = []
    for (let i = 0; i < 20; i++) {
      const { result } = await runPhase(busy, phaseCall('access', `r${i}`), budget, async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 5))
        return request.args[0]
      })
      answers.push(result.shared?.['got'])
    }
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`))
    const error = await forever
    expect(isLimitExceeded(error) && error.code).toBe('wall_limit')
    expect(busy.disposed).toBe(false)
  })
})

describe('one isolate failing', () => {
  it('leaves a second isolate answering while the first is killed mid-call', async () => {
    const doomed = await isolate(`{ async access(m, host) { await host.io('db'); } }`)
    const other = await isolate(
      `{ async access(m, host) { return { shared: { got: await host.io('db') } }; } }`,
    )
    let answer: (value: unknown) => void = () => {}
    const later = new Promise((resolve) => {
      answer = resolve
    })
    const killed = failure(
      runPhase(doomed, phaseCall(), { cpuMs: 100, wallMs: 150 }, () => new Promise(() => {})),
    )
    const surviving = runPhase(other, phaseCall(), budget, () => later)
    expect(isLimitExceeded(await killed) && doomed.disposed).toBe(true)
    answer('still here')
    expect((await surviving).result.shared).toEqual({ got: 'still here' })
  })

  it('fails the other requests in flight on an isolate a limit killed, as isolate_disposed', async () => {
    const shared = await isolate(`{ async access(m, host) {
      if (m.rid === 'spin') for (;;) {}
      await host.io('db');
      return {};
    } }`)
    let answer: (value: unknown) => void = () => {}
    const waiting = failure(
      runPhase(
        shared,
        phaseCall('access', 'wait'),
        budget,
        () => new Promise((resolve) => (answer = resolve)),
      ),
    )
    const spin = await failure(runPhase(shared, phaseCall('access', 'spin'), budget, noIo))
    expect(isLimitExceeded(spin) && spin.code).toBe('cpu_limit')
    answer('row')
    const error = await waiting
    expect(isIsolateError(error) && error.code).toBe('isolate_disposed')
  })

  it('answers on the second isolate right after the first hits its CPU limit', async () => {
    const looping = await isolate('{ access() { while (true) {} } }')
    const other = await isolate('{ access() { return { shared: { n: 1 } } } }')
    expect(isLimitExceeded(thrown(() => looping.dispatch(phaseCall(), 50)))).toBe(true)
    expect(other.dispatch(phaseCall(), 10_000).shared).toEqual({ n: 1 })
  })

  it('reports a promise rejected with no handler as an exception and keeps the isolate', async () => {
    const sloppy = await isolate(`{ access() { Promise.reject(new Error('nobody listens')); return {}; } }`)
    const error = thrown(() => sloppy.dispatch(phaseCall(), 10_000))
    expect(isIsolateError(error) && error.code).toBe('exception')
    expect((error as Error).message).toMatch(/nobody listens/)
    expect(sloppy.disposed).toBe(false)
  })
})
