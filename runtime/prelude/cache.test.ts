import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestIsolate } from './index.ts'
import { bundles, PROBE_HANDLER, probe, probeIsolate } from './prelude-fixture.ts'

let probeBundle: { name: string; code: string }[]
let isolate: TestIsolate
beforeAll(async () => {
  probeBundle = await bundles({ probe: PROBE_HANDLER })
})
afterEach(() => isolate?.dispose())

const GET = `return kong.cache.get('k', null, () => 'loaded')`
const hit = (gen: number) => () => ({ ok: true as const, value: { hit: true, value: 'v', ttl: null, gen } })

describe("kong.cache's copy of hits inside the isolate", () => {
  it('answers a repeated hit without host I/O until the call names the key as invalidated', () => {
    isolate = probeIsolate(probeBundle)
    const first = probe(isolate, 'access', GET, { call: { cacheGen: 3 }, answer: hit(3) })
    expect(first.value).toBe('v')
    expect(first.io.map((request) => request.op)).toEqual(['cache.get'])
    const second = probe(isolate, 'access', GET, { call: { cacheGen: 3 } })
    expect(second).toMatchObject({ value: 'v', io: [] })
    const dropped = probe(isolate, 'access', GET, {
      call: { cacheGen: 4, cacheDrop: ['\nk'] },
      answer: hit(4),
    })
    expect(dropped.io.map((request) => request.op)).toEqual(['cache.get'])
    probe(isolate, 'access', GET, { call: { cacheGen: 9, cacheDrop: true } })
    expect(probe(isolate, 'access', GET, { call: { cacheGen: 9 }, answer: hit(9) }).io).toHaveLength(1)
  })

  it('does not keep a value read before invalidations it has already applied', () => {
    isolate = probeIsolate(probeBundle)
    probe(isolate, 'access', 'return 1', { call: { cacheGen: 5 } })
    // Read at generation 4: it may be one of the invalidations up to 5.
    probe(isolate, 'access', GET, { call: { cacheGen: 5 }, answer: hit(4) })
    expect(probe(isolate, 'access', GET, { call: { cacheGen: 5 }, answer: hit(5) }).io).toHaveLength(1)
    expect(probe(isolate, 'access', GET, { call: { cacheGen: 5 } }).io).toHaveLength(0)
  })

  it("keeps a loader's value only when the host stored it, and drops a key it invalidates", () => {
    isolate = probeIsolate(probeBundle)
    const answer = (stored: boolean) => (request: { op: string }) =>
      request.op === 'cache.get'
        ? { ok: true as const, value: { load: 1 } }
        : { ok: true as const, value: { stored, gen: 0 } }
    expect(probe(isolate, 'access', GET, { answer: answer(false) }).value).toBe('loaded')
    expect(probe(isolate, 'access', GET, { answer: answer(true) }).io.map((r) => r.op)).toEqual([
      'cache.get',
      'cache.set',
    ])
    expect(probe(isolate, 'access', GET).io).toHaveLength(0)
    probe(isolate, 'access', `return kong.cache.invalidate('k')`, {
      answer: () => ({ ok: true, value: null }),
    })
    expect(probe(isolate, 'access', GET, { answer: hit(0) }).io).toHaveLength(1)
  })
})
