import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestIsolate } from './index.ts'
import { bundles, PROBE_HANDLER, probe, probeIsolate } from './prelude-fixture.ts'

let probeBundle: { name: string; code: string }[]
let isolate: TestIsolate
beforeAll(async () => {
  probeBundle = await bundles({ probe: PROBE_HANDLER })
})
afterEach(() => isolate?.dispose())

describe('kong.log', () => {
  it('collects lines per level, concatenating arguments like Kong', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `kong.log('hello ', 'world')
       kong.log.debug('n=', 42, ' ok=', true, ' nil=', null, ' u=', undefined)
       kong.log.info({ a: [1, 'x'] })
       kong.log.warn(new TypeError('bad'))
       kong.log.err('failed: ', 10n, ' ', Symbol('s'))
       kong.log.crit(); kong.log.alert('a'); kong.log.emerg('e'); kong.log.notice('n'); kong.log.deprecation('old')
       kong.log.inspect('text', { a: 1 }, 5)`,
    )
    expect(run.result.outcomes[0]?.logs).toEqual([
      { level: 'notice', message: 'hello world' },
      { level: 'debug', message: 'n=42 ok=true nil=null u=undefined' },
      { level: 'info', message: '{"a":[1,"x"]}' },
      { level: 'warn', message: 'TypeError: bad' },
      { level: 'err', message: 'failed: 10 Symbol(s)' },
      { level: 'crit', message: '' },
      { level: 'alert', message: 'a' },
      { level: 'emerg', message: 'e' },
      { level: 'notice', message: 'n' },
      { level: 'warn', message: 'old' },
      { level: 'notice', message: '"text" {\n  "a": 1\n} 5' },
    ])
  })

  it('switches inspect off and on per plugin', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      'kong.log.inspect.off(); kong.log.inspect("hidden"); kong.log.inspect.on(); kong.log.inspect("shown")',
    )
    expect(run.result.outcomes[0]?.logs).toEqual([{ level: 'notice', message: '"shown"' }])
  })

  it('caps lines and their length', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'access', 'for (let i = 0; i < 150; i++) kong.log.err("x".repeat(100))')
    const logs = run.result.outcomes[0]!.logs!
    expect(logs).toHaveLength(101)
    expect(logs[100]).toEqual({ level: 'warn', message: '50 more log lines of this handler were dropped' })
  })

  it('caps the text of one call at 64 KiB, cutting long lines and leaving out huge ones', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      'kong.log.err("y".repeat(300 * 1024 * 1024)); for (let i = 0; i < 150; i++) kong.log.err("x".repeat(10000))',
    )
    const logs = run.result.outcomes[0]!.logs!
    // A 300 MB rope is measured, never flattened: its line says what was left out.
    expect(logs[0]).toEqual({ level: 'err', message: `[a string of ${300 * 1024 * 1024} characters]` })
    expect(logs[1]!.message).toHaveLength(8192 + '… [truncated]'.length)
    // 64 KiB hold the marker line and seven cut lines; the rest is counted.
    expect(logs).toHaveLength(9)
    expect(logs[8]).toEqual({ level: 'warn', message: '143 more log lines of this handler were dropped' })
  })

  it('survives arguments that throw when looked at', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `const evil = new Proxy({}, { ownKeys() { throw new Error('no') }, get() { throw new Error('no') } })
       const cyclic = {}; cyclic.self = cyclic
       kong.log.err('evil=', evil, ' cyclic=', cyclic, ' getter=', { get x() { throw 1 } })`,
    )
    expect(run.result.outcomes[0]).toMatchObject({
      status: 'ok',
      logs: [{ level: 'err', message: 'evil=[unreadable object] cyclic={} getter={}' }],
    })
  })
})

describe('kong.log.serialize', () => {
  const state = {
    method: 'POST',
    rawQuery: 'a=1',
    headers: { host: 'example.com', authorization: 'Bearer secret', 'x-other': 'kept' },
    consumer: { id: 'c1', username: 'bob' },
    credential: { id: 'k1', consumer_id: 'c1' },
    response: { status: 201, headers: { 'content-type': 'text/plain' }, source: 'service' as const },
    upstream: { method: 'POST', path: '/movies', rawQuery: 'a=1' },
    logInfo: { requestSize: 120, responseSize: 340, latencies: { kong: 3, proxy: 12, request: 15 } },
  }

  it("builds Kong's basic serializer shape in the log phase, with Authorization redacted", () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'log', 'return kong.log.serialize()', { state })
    expect(run.value).toEqual({
      request: {
        uri: '/v1/movies?a=1',
        url: 'http://example.com:8000/v1/movies?a=1',
        querystring: { a: '1' },
        method: 'POST',
        headers: { host: 'example.com', authorization: 'REDACTED', 'x-other': 'kept' },
        size: 120,
      },
      upstream_uri: '/movies?a=1',
      response: { status: 201, headers: { 'content-type': 'text/plain' }, size: 340 },
      latencies: { kong: 3, proxy: 12, request: 15 },
      route: expect.objectContaining({ id: 'route-1' }),
      service: expect.objectContaining({ id: 'service-1' }),
      client_ip: '127.0.0.1',
      started_at: 1_700_000_000_000,
      source: 'service',
      workspace: 'ws-1',
      workspace_name: 'default',
      consumer: { id: 'c1', username: 'bob' },
      authenticated_entity: { id: 'k1', consumer_id: 'c1' },
    })
    expect(
      probe(isolate, 'access', 'kong.log.serialize()', { state }).result.outcomes[0]?.error?.message,
    ).toBe('kong.log.serialize: function cannot be called in access phase (only in: log)')
  })

  it('applies setSerializeValue edits in order, across phases of the request', () => {
    isolate = probeIsolate(probeBundle)
    probe(
      isolate,
      'access',
      `kong.log.setSerializeValue('my.new.value', 4)
       kong.log.setSerializeValue('request.headers.x-other', 'changed', { mode: 'replace' })
       kong.log.setSerializeValue('request.headers.x-missing', 'no', { mode: 'replace' })
       kong.log.setSerializeValue('route', 'kept', { mode: 'add' })
       kong.log.setSerializeValue('consumer', null)`,
      { state, call: { rid: 'ser-1' } },
    )
    const run = probe(isolate, 'log', 'return kong.log.serialize()', {
      call: { rid: 'ser-1', state: undefined, delta: {} },
    })
    const value = run.value as Record<string, any>
    expect(value.my).toEqual({ new: { value: 4 } })
    expect(value.request.headers['x-other']).toBe('changed')
    expect(value.request.headers['x-missing']).toBeUndefined()
    expect(value.route.id).toBe('route-1')
    expect(value.consumer).toBeUndefined()
    const bad = probe(isolate, 'access', 'kong.log.setSerializeValue("k", 1, { mode: "merge" })')
    expect(bad.result.outcomes[0]?.error?.message).toBe(
      "kong.log.setSerializeValue: mode must be 'set', 'add' or 'replace'",
    )
    const cyclic = probe(isolate, 'access', 'const a = {}; a.a = a; kong.log.setSerializeValue("k", a)')
    expect(cyclic.result.outcomes[0]?.error?.message).toBe(
      'kong.log.setSerializeValue: value must be nil, a number, string, boolean or a non-self-referencial table containing numbers, string and booleans: value contains a cycle',
    )
  })
})
