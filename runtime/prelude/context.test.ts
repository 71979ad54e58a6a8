import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestIsolate } from './index.ts'
import { bundles, PROBE_HANDLER, probe, probeIsolate } from './prelude-fixture.ts'

let probeBundle: { name: string; code: string }[]
let isolate: TestIsolate
beforeAll(async () => {
  probeBundle = await bundles({ probe: PROBE_HANDLER })
})
afterEach(() => isolate?.dispose())

const CONSUMER_ID = '5fa5a8a4-1e2b-4f51-9a60-4d1c5f0e4c3b'

describe('kong.client', () => {
  it('reads addresses in every request phase', () => {
    isolate = probeIsolate(probeBundle)
    const client = {
      ip: '10.0.0.1',
      port: 30000,
      forwardedIp: '127.0.0.1',
      forwardedPort: 40000,
      protocol: 'http' as const,
    }
    const run = probe(
      isolate,
      'rewrite',
      'return [kong.client.getIp(), kong.client.getForwardedIp(), kong.client.getPort(), kong.client.getForwardedPort()]',
      { state: { client } },
    )
    expect(run.value).toEqual(['10.0.0.1', '127.0.0.1', 30000, 40000])
  })

  it('authenticates in access and shows the consumer to later getters and phases', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `kong.client.authenticate({ id: 'c1', username: 'bob' }, { id: 'k1', consumer_id: 'c1' })
       return [kong.client.getConsumer(), kong.client.getCredential()]`,
    )
    expect(run.result.mutations).toEqual([
      {
        op: 'client.authenticate',
        consumer: { id: 'c1', username: 'bob' },
        credential: { id: 'k1', consumer_id: 'c1' },
      },
    ])
    expect(run.value).toEqual([
      { id: 'c1', username: 'bob' },
      { id: 'k1', consumer_id: 'c1' },
    ])
    const cases: [string, string][] = [
      [
        'kong.client.authenticate()',
        'kong.client.authenticate: either credential or consumer must be provided',
      ],
      ['kong.client.authenticate("bob")', 'kong.client.authenticate: consumer must be a table or nil'],
      ['kong.client.authenticate(null, 1)', 'kong.client.authenticate: credential must be a table or nil'],
    ]
    for (const [code, message] of cases)
      expect(probe(isolate, 'access', code).result.outcomes[0]?.error?.message).toBe(message)
    expect(probe(isolate, 'rewrite', 'kong.client.getConsumer()').result.outcomes[0]?.error?.message).toBe(
      'kong.client.getConsumer: function cannot be called in rewrite phase (only in: access, response, headerFilter, bodyFilter, log)',
    )
    expect(probe(isolate, 'log', 'kong.client.authenticate({})').result.outcomes[0]?.error?.message).toBe(
      'kong.client.authenticate: function cannot be called in log phase (only in: access)',
    )
  })

  it('loads consumers through host db I/O, by id then by username', () => {
    isolate = probeIsolate(probeBundle)
    const byId = probe(isolate, 'access', `return kong.client.loadConsumer('${CONSUMER_ID}')`, {
      answer: () => ({ ok: true, value: { id: CONSUMER_ID, username: 'bob' } }),
    })
    expect(byId.io).toEqual([
      {
        id: expect.any(Number),
        plugin: 'probe',
        op: 'db',
        args: ['consumers', 'select', { id: CONSUMER_ID }],
      },
    ])
    expect(byId.value).toEqual({ id: CONSUMER_ID, username: 'bob' })

    const byName = probe(isolate, 'access', `return kong.client.loadConsumer('${CONSUMER_ID}', true)`, {
      answer: (request) => ({
        ok: true,
        value: request.args[1] === 'select' ? null : { id: 'x', username: 'uuid-named' },
      }),
    })
    expect(byName.io.map((request) => request.args[1])).toEqual(['select', 'selectByUsername'])
    expect(byName.value).toEqual({ id: 'x', username: 'uuid-named' })

    const failed = probe(isolate, 'access', 'return kong.client.loadConsumer("bob", true)', {
      answer: () => ({ ok: false, error: 'the database is unreachable' }),
    })
    expect(failed.result.outcomes[0]).toMatchObject({
      status: 'error',
      error: { message: 'the database is unreachable' },
    })
    expect(
      probe(isolate, 'access', 'kong.client.loadConsumer("bob")').result.outcomes[0]?.error?.message,
    ).toBe('kong.client.loadConsumer: cannot load a consumer with an id that is not a uuid')
  })

  it('tells the protocol from the route, or from the scheme and a trusted X-Forwarded-Proto', () => {
    isolate = probeIsolate(probeBundle, { trustedIps: ['10.0.0.0/8'] })
    const state = {
      headers: { 'x-forwarded-proto': 'https' },
      client: {
        ip: '10.0.0.2',
        port: 1,
        forwardedIp: '1.1.1.1',
        forwardedPort: 2,
        protocol: 'http' as const,
      },
    }
    expect(
      probe(isolate, 'access', 'return [kong.client.getProtocol(), kong.client.getProtocol(true)]', { state })
        .value,
    ).toEqual(['http', 'https'])
  })
})

describe('kong.router, kong.node, kong.ip', () => {
  it('returns copies of the route and service', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      'const r = kong.router.getRoute(); r.name = "changed"; return [kong.router.getRoute().name, kong.router.getService().host]',
    )
    expect(run.value).toEqual(['movies', 'upstream.local'])
    expect(probe(isolate, 'rewrite', 'kong.router.getRoute()').result.outcomes[0]?.error?.message).toContain(
      'function cannot be called in rewrite phase',
    )
  })

  it('matches trusted IPv4, IPv6 and IPv4-mapped addresses', () => {
    isolate = probeIsolate(probeBundle, {
      trustedIps: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '2001:db8::1', 'garbage'],
    })
    const addresses = [
      '10.255.0.1',
      '11.0.0.1',
      '192.168.1.7',
      '192.168.1.8',
      'fd12:3456::1',
      'fe80::1',
      '2001:db8:0:0:0:0:0:1',
      '::ffff:10.1.2.3',
      '[2001:db8::1]',
      'not an ip',
      '300.1.1.1',
    ]
    const run = probe(
      isolate,
      'access',
      `return ${JSON.stringify(addresses)}.map((a) => kong.ip.isTrusted(a))`,
    )
    expect(run.value).toEqual([true, false, true, false, true, false, true, true, true, false, false])
    const none = probeIsolate(probeBundle)
    expect(probe(none, 'access', 'return kong.ip.isTrusted("127.0.0.1")').value).toBe(false)
    none.dispose()
    const all = probeIsolate(probeBundle, { trustedIps: ['0.0.0.0/0', '::/0'] })
    expect(
      probe(all, 'access', 'return [kong.ip.isTrusted("1.2.3.4"), kong.ip.isTrusted("::1")]').value,
    ).toEqual([true, true])
    all.dispose()
  })

  it('names the node', () => {
    isolate = probeIsolate(probeBundle, { node: { id: 'n-42', hostname: 'gw-a', version: '0.1.0' } })
    expect(probe(isolate, 'log', 'return [kong.node.getId(), kong.node.getHostname()]').value).toEqual([
      'n-42',
      'gw-a',
    ])
  })
})

describe('kong.ctx', () => {
  it('is only reachable in request phases', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      'kong.ctx.shared.a = 1; kong.ctx.plugin.b = 2; return [kong.ctx.shared, kong.ctx.plugin]',
    )
    expect(run.value).toEqual([{ a: 1 }, { b: 2 }])
    expect(run.result.shared).toEqual({ a: 1 })
  })
})
