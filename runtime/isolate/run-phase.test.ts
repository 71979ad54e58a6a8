import { afterEach, describe, expect, it } from 'vitest'
import type { IoRequest } from '../protocol.ts'
import { fakeIsolate, phaseCall } from './fake-prelude.fixture.ts'
import { isLimitExceeded, type PluginIsolate, runPhase } from './index.ts'

let plugin: PluginIsolate | undefined
afterEach(() => plugin?.dispose())
const budget = { cpuMs: 100, wallMs: 2000 }

describe('runPhase', () => {
  it('finishes a synchronous handler in one crossing and reports its CPU', async () => {
    plugin = await fakeIsolate(
      `{ access() { return { mutations: [{ op: 'response.setStatus', status: 204 }] }; } }`,
    )
    const { result, cpuMs } = await runPhase(plugin, phaseCall(), budget, async () => {
      throw new Error('no I/O expected')
    })
    expect(result.mutations).toEqual([{ op: 'response.setStatus', status: 204 }])
    expect(result.outcomes).toEqual([{ plugin: 'p', config: 'c1', status: 'ok' }])
    expect(cpuMs).toBeGreaterThan(0)
    expect(cpuMs).toBeLessThan(budget.cpuMs)
  })

  it('collects the outcome of an async handler that awaits nothing from the host', async () => {
    plugin = await fakeIsolate(
      `{ async access() { await null; await Promise.resolve(); return { shared: { done: true } }; } }`,
    )
    const { result } = await runPhase(plugin, phaseCall(), budget, async () => null)
    expect(result.shared).toEqual({ done: true })
    expect(result.pending).toBeUndefined()
  })

  it('performs the I/O a handler awaits, all requested operations at once, and resumes', async () => {
    plugin = await fakeIsolate(`{ async access(m, host) {
      const [a, b] = await Promise.all([host.io('db', 'a'), host.io('cache.get', 'b')]);
      const c = await host.io('request.getRawBody');
      return { shared: { values: [a, b, c] } };
    } }`)
    const seen: IoRequest[] = []
    let inFlight = 0
    let maxInFlight = 0
    const { result } = await runPhase(plugin, phaseCall(), budget, async (request) => {
      seen.push(request)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 5))
      inFlight--
      return request.op === 'request.getRawBody' ? 'Ym9keQ==' : `${request.op}:${String(request.args[0])}`
    })
    expect(seen.map((request) => request.op)).toEqual(['db', 'cache.get', 'request.getRawBody'])
    expect(maxInFlight).toBe(2)
    expect(result.shared).toEqual({ values: ['db:a', 'cache.get:b', 'Ym9keQ=='] })
  })

  it('hands a failed I/O operation back to the handler as an error', async () => {
    plugin = await fakeIsolate(`{ async access(m, host) {
      try { await host.io('db', 'x'); return { shared: { caught: null } }; }
      catch (error) { return { shared: { caught: error.message } }; }
    } }`)
    const { result } = await runPhase(plugin, phaseCall(), budget, async () => {
      throw new Error('database is down')
    })
    expect(result.shared).toEqual({ caught: 'database is down' })
  })

  it('reports a handler that throws after awaiting as an error outcome, not a fault', async () => {
    plugin = await fakeIsolate(
      `{ async access(m, host) { await host.io('db'); throw new TypeError('bad row'); } }`,
    )
    const { result } = await runPhase(plugin, phaseCall(), budget, async () => null)
    expect(result.outcomes[0]).toMatchObject({ plugin: 'p', status: 'error', error: { message: 'bad row' } })
    expect(plugin.disposed).toBe(false)
  })

  it('runs concurrent phase calls on one isolate without mixing them up', async () => {
    plugin = await fakeIsolate(
      `{ async access(m, host) { return { shared: { rid: m.rid, got: await host.io('db', m.rid) } }; } }`,
    )
    const isolate = plugin
    const calls = Array.from({ length: 10 }, (_, i) =>
      runPhase(isolate, phaseCall('access', `r${i}`), budget, async (request) => {
        await new Promise((resolve) => setTimeout(resolve, (10 - i) * 2))
        return `row-${String(request.args[0])}`
      }),
    )
    const results = await Promise.all(calls)
    expect(results.map(({ result }) => result.shared)).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ rid: `r${i}`, got: `row-r${i}` })),
    )
  })

  it('does not charge wall time spent off the CPU (a busy machine) against the CPU budget', async () => {
    // 150 ms blocked, with 100 ms of CPU budget: the crossing's timeout is wall time armed at
    // 4 × 100 + 50 ms, and the CPU charged from cpuTime is next to nothing.
    plugin = await fakeIsolate(`{ access() {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
      return { shared: { waited: true } };
    } }`)
    const { result, cpuMs } = await runPhase(plugin, phaseCall(), budget, async () => null)
    expect(result.shared).toEqual({ waited: true })
    expect(cpuMs).toBeLessThan(budget.cpuMs)
    expect(plugin.disposed).toBe(false)
  })

  it('fails a crossing that returned having spent more CPU than the budget', async () => {
    // Tens of ms of CPU against 5: on an idle machine it returns within its timeout (70 ms of wall
    // time) and is failed for the CPU charged; on a busy one the timeout stops it first.
    plugin = await fakeIsolate(`{ access() {
      let x = 0;
      for (let i = 0; i < 40000000; i++) x = (x * 31 + i) | 0;
      return { shared: { x } };
    } }`)
    const error = await runPhase(plugin, phaseCall(), { cpuMs: 5, wallMs: 2000 }, async () => null).catch(
      (failure: unknown) => failure,
    )
    expect(isLimitExceeded(error) && error.code).toBe('cpu_limit')
    expect(plugin.disposed).toBe(true)
  })
})
