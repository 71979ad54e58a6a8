import { afterEach, describe, expect, it } from 'vitest'
import { preludeSource } from '../prelude/index.ts'
import { bundles, requestState } from '../prelude/prelude-fixture.ts'
import { createPluginIsolate } from './create-plugin-isolate.ts'
import type { PluginIsolate } from './plugin-isolate.ts'

const isolates: PluginIsolate[] = []
afterEach(() => {
  for (const isolate of isolates.splice(0)) isolate.dispose()
})

/**
 * Every request's first message is a string of a few KB that the prelude reads until the request
 * ends. isolated-vm copied strings of 1 KB or more in as external strings, whose bytes V8's GC
 * heuristics never see: kept past two scavenges, they stayed until a full GC that only the heap
 * limit triggered, so a busy isolate filled up to its memory limit (the pool then rebuilt it).
 * The vendored isolated-vm copies them into the V8 heap, where they are collected as garbage.
 */
describe('request messages in an isolate', () => {
  it('are collected: 3,000 requests of 9 KB each leave the heap far below what they add up to', async () => {
    const plugins = await bundles({
      first: `export default { priority: 2, version: '1', async access(kong) { await null; kong.service.request.setHeader('x-first', kong.request.getHeader('x-big').slice(0, 3)) } }`,
      second: `export default { priority: 1, version: '1', async access(kong) { await null; kong.service.request.setHeader('x-second', String(kong.request.getPath().length)) }, headerFilter(kong) { kong.response.setHeader('x-seen', kong.request.getHeader('x-big').slice(0, 3)) } }`,
    })
    const isolate = await createPluginIsolate({
      memoryMb: 64,
      prelude: preludeSource(),
      plugins,
      init: {
        kind: 'init',
        seq: 0,
        node: { id: 'n', hostname: 'h', version: '0' },
        workspace: { id: 'ws-1', name: 'default' },
        trustedIps: [],
      },
    })
    isolates.push(isolate)
    for (const name of ['first', 'second']) {
      isolate.dispatch({ kind: 'configure', seq: 0, plugin: name, configs: { [`c-${name}`]: {} } }, 5000)
    }
    const big = 'b'.repeat(9 * 1024)
    const run = ['first', 'second'].map((plugin) => ({ plugin, config: `c-${plugin}` }))
    for (let i = 0; i < 3000; i++) {
      const rid = `r-${i}`
      const state = requestState({
        id: rid,
        headers: { host: 'example.com', 'x-big': big, 'x-n': String(i) },
      })
      const access = isolate.dispatch(
        { kind: 'call', seq: 0, phase: 'access', rid, run, state, last: false, budgetMs: 100 },
        5000,
      )
      expect(access.mutations).toHaveLength(2)
      const response = { status: 200, headers: {}, source: 'service' as const }
      const filter = isolate.dispatch(
        {
          kind: 'call',
          seq: 0,
          phase: 'headerFilter',
          rid,
          run,
          delta: { response },
          last: true,
          budgetMs: 100,
        },
        5000,
      )
      expect(filter.mutations).toEqual([{ op: 'response.setHeader', name: 'x-seen', value: 'bbb' }])
    }
    // The messages add up to ~28 MB; kept, they would be most of the heap.
    expect(isolate.heap().used).toBeLessThan(12 * 1024 * 1024)
  })
})
