import { describe, expect, it } from 'vitest'
import type { PhaseCall } from '../protocol.ts'
import { FAKE_PRELUDE, fakeBundle, INIT, phaseCall, requestState } from './fake-prelude.fixture.ts'
import { createPluginIsolate, type PluginIsolate } from './index.ts'

/**
 * Numbers for the report and docs (logged, never asserted: no timing assertions). The bundle is a
 * synthetic ~40 KB plugin: what DESIGN.md measured with.
 */
const HELPERS = Array.from(
  { length: 360 },
  (_, i) =>
    `h${i}(input) { const parts = String(input).split('/'); return parts.map((p) => p.length * ${i}).reduce((a, b) => a + b, 0); }`,
).join(',\n')
const BUNDLE = fakeBundle(`{ ${HELPERS},
  access(m) { return { mutations: [{ op: 'service.request.setHeader', name: 'x-path', value: m.state ? m.state.path : '/' }] }; } }`)

const build = (codeCache: boolean): Promise<PluginIsolate> =>
  createPluginIsolate({
    memoryMb: 64,
    prelude: FAKE_PRELUDE,
    plugins: [{ name: 'p', code: BUNDLE }],
    init: INIT,
    codeCache,
  })

/** Not a test of limits: a busy machine may hold a trivial crossing's thread for a while. */
const TIMEOUT_MS = 10_000
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(2)

/** A first call of a request: the full request state, about 1 KB of JSON. */
const firstCall = (rid: string): PhaseCall => ({
  ...phaseCall('access', rid),
  state: requestState(rid),
  last: true,
})

describe('measurements', () => {
  it('cold start with and without V8 code cache', async () => {
    console.log(`bundle: ${mb(BUNDLE.length * 1)} MB source (${BUNDLE.length} chars)`)
    const times = { without: [] as number[], with: [] as number[] }
    ;(await build(true)).dispose() // primes the cache
    for (let round = 0; round < 15; round++) {
      for (const mode of ['without', 'with'] as const) {
        const isolate = await build(mode === 'with')
        times[mode].push(isolate.startMs)
        isolate.dispose()
      }
    }
    console.log(
      `cold start (isolate + context + compile + run + init), median of 15: ` +
        `${median(times.without).toFixed(2)} ms without code cache, ${median(times.with).toFixed(2)} ms with`,
    )
    expect(times.with).toHaveLength(15)
  })

  it('idle isolate RSS, and one crossing hot and cold', async () => {
    const count = 40
    const before = process.memoryUsage().rss
    const isolates: PluginIsolate[] = []
    for (let i = 0; i < count; i++) isolates.push(await build(true))
    const perIsolate = (process.memoryUsage().rss - before) / count
    console.log(
      `idle isolate: ${mb(perIsolate)} MB RSS each (${count} isolates, ~40 KB bundle, fake prelude)`,
    )
    console.log(
      `idle isolate heap: ${mb(isolates[0]!.heap().used)} MB used of ${mb(isolates[0]!.heap().limit)} MB`,
    )

    const hot = isolates[0]!
    for (let i = 0; i < 2000; i++) hot.dispatch(firstCall(`w${i}`), TIMEOUT_MS)
    const rounds = 10_000
    let started = process.hrtime.bigint()
    for (let i = 0; i < rounds; i++) hot.dispatch(firstCall(`h${i}`), TIMEOUT_MS)
    const hotUs = Number(process.hrtime.bigint() - started) / rounds / 1000
    console.log(
      `one crossing, hot (same isolate, 1 KB state in, validated answer out): ${hotUs.toFixed(2)} µs`,
    )

    // Cold: a different isolate each time, with the CPU caches stirred by host work in between.
    const scratch = new Float64Array(2 ** 20)
    const cold: number[] = []
    for (let i = 0; i < 2000; i++) {
      for (let j = 0; j < scratch.length; j += 8) scratch[j] = j * i
      const isolate = isolates[(i * 7) % count]!
      const t = process.hrtime.bigint()
      isolate.dispatch(firstCall(`c${i}`), TIMEOUT_MS)
      cold.push(Number(process.hrtime.bigint() - t) / 1000)
    }
    console.log(
      `one crossing, cold (round-robin over ${count} isolates, caches stirred): median ${median(cold).toFixed(2)} µs`,
    )

    started = process.hrtime.bigint()
    for (let i = 0; i < rounds; i++) hot.heap()
    const heapUs = Number(process.hrtime.bigint() - started) / rounds / 1000
    started = process.hrtime.bigint()
    for (let i = 0; i < rounds; i++) hot.cpuTimeMs()
    const cpuUs = Number(process.hrtime.bigint() - started) / rounds / 1000
    console.log(`heap() ${heapUs.toFixed(2)} µs, cpuTimeMs() ${cpuUs.toFixed(3)} µs`)
    for (const isolate of isolates) isolate.dispose()
    expect(isolates.every((isolate) => isolate.disposed)).toBe(true)
  })
})
