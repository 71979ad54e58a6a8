import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestIsolate } from './index.ts'
import { bundles, PROBE_HANDLER, probe, probeIsolate } from './prelude-fixture.ts'

let probeBundle: { name: string; code: string }[]
let isolate: TestIsolate
beforeAll(async () => {
  probeBundle = await bundles({ probe: PROBE_HANDLER })
})
afterEach(() => isolate?.dispose())

describe('kong.service', () => {
  it('sets target, retries and timeouts with checks', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      'kong.service.setTarget("192.168.130.1", 80); kong.service.setRetries(233); kong.service.setTimeouts(1, 2, 3)',
    )
    expect(run.result.mutations).toEqual([
      { op: 'service.setTarget', host: '192.168.130.1', port: 80 },
      { op: 'service.setRetries', retries: 233 },
      { op: 'service.setTimeouts', connect: 1, write: 2, read: 3 },
    ])
    const cases: [string, string][] = [
      ['kong.service.setTarget(1, 80)', 'kong.service.setTarget: host must be a string'],
      ['kong.service.setTarget("h", 1.5)', 'kong.service.setTarget: port must be an integer'],
      [
        'kong.service.setTarget("h", 70000)',
        'kong.service.setTarget: port must be an integer between 1 and 65535: given 70000',
      ],
      // What the host would refuse (and dispose the isolate for) is the plugin's own error here.
      [
        'kong.service.setTarget("h", 0)',
        'kong.service.setTarget: port must be an integer between 1 and 65535: given 0',
      ],
      [
        'kong.service.setTarget("a!b", 80)',
        'kong.service.setTarget: a!b is neither a host name nor an IP address',
      ],
      [
        'kong.service.setTarget("a b", 80)',
        'kong.service.setTarget: a b is neither a host name nor an IP address',
      ],
      ['kong.service.setTarget("", 80)', 'kong.service.setTarget:  is neither a host name nor an IP address'],
      [
        'kong.service.setRetries(-1)',
        'kong.service.setRetries: retries must be an integer between 0 and 32767: given -1',
      ],
      [
        'kong.service.setTimeouts(1, 0, 1)',
        'kong.service.setTimeouts: write_timeout must be an integer between 1 and 2147483646: given 0',
      ],
      ['kong.service.setTimeouts(1, 1, "1")', 'kong.service.setTimeouts: read_timeout must be an integer'],
    ]
    for (const [code, message] of cases) {
      expect(probe(isolate, 'access', code).result.outcomes[0]?.error?.message).toBe(message)
    }
    expect(probe(isolate, 'rewrite', 'kong.service.setRetries(1)').result.outcomes[0]?.error?.message).toBe(
      'kong.service.setRetries: function cannot be called in rewrite phase (only in: access)',
    )
  })
})

describe('kong.service.setTarget and the egress lists', () => {
  const egress = {
    deny: ['127.0.0.0/8', '10.0.0.0/8', '::1'],
    allow: ['10.9.0.0/16'],
    ownPorts: [8001],
    ownAddresses: [],
  }

  it('normalises IP literals and refuses the ones the lists deny, as an error the plugin can catch', () => {
    isolate = probeIsolate(probeBundle, { egress })
    const set = (host: string, port = 80) =>
      probe(isolate, 'access', `kong.service.setTarget(${JSON.stringify(host)}, ${port})`)
    expect(set('0x0A090001').result.mutations).toEqual([
      { op: 'service.setTarget', host: '10.9.0.1', port: 80 },
    ])
    expect(set('Example.COM').result.mutations).toEqual([
      { op: 'service.setTarget', host: 'example.com', port: 80 },
    ])
    expect(set('::ffff:8.8.8.8').result.mutations).toEqual([
      { op: 'service.setTarget', host: '8.8.8.8', port: 80 },
    ])
    for (const [host, target] of [
      ['2130706433', '127.0.0.1:80'],
      ['0177.0.0.1', '127.0.0.1:80'],
      ['[::1]', '[0:0:0:0:0:0:0:1]:80'],
      ['10.1.2.3', '10.1.2.3:80'],
    ]) {
      const outcome = set(host as string).result.outcomes[0]
      expect(outcome?.error?.message).toBe(
        `kong.service.setTarget: ${target} is in plugin_egress_deny (egress_denied)`,
      )
      expect(outcome?.egress).toBe(target)
    }
    // The node's own listener port on a local address, even where the lists would allow it.
    expect(set('0.0.0.0', 8001).result.outcomes[0]?.egress).toBe('0.0.0.0:8001')
    expect(set('1.2.3.999').result.outcomes[0]?.error?.message).toBe(
      'kong.service.setTarget: 1.2.3.999 is neither a host name nor an IP address',
    )
    const caught = probe(
      isolate,
      'access',
      'try { kong.service.setTarget("127.1", 80) } catch (e) { return e.name + ": " + e.message }',
    )
    expect(caught.value).toBe(
      'PDKError: kong.service.setTarget: 127.0.0.1:80 is in plugin_egress_deny (egress_denied)',
    )
    expect(caught.result.mutations).toEqual([])
  })

  it('marks only its own refusal: an error a plugin makes with the same text is an exception', () => {
    isolate = probeIsolate(probeBundle, { egress })
    const forged = probe(
      isolate,
      'access',
      'throw new Error("kong.service.setTarget: 1.1.1.1:80 is in plugin_egress_deny (egress_denied)")',
    )
    expect(forged.result.outcomes[0]?.status).toBe('error')
    expect(forged.result.outcomes[0]?.egress).toBeUndefined()
  })
})

describe('kong.service.request', () => {
  it('records setters and shows headers, method and query to later kong.request getters', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `const r = kong.service.request
       r.setScheme('https')
       r.setPath('/foo/😀 bar')
       r.setMethod('DELETE')
       r.setHeader('X-Seen', 'yes')
       r.addHeader('x-seen', 'again')
       r.setHeader('Host', 'upstream.example')
       r.clearHeader('user-agent')
       r.setHeaders({ 'X-Foo': 'foo3', 'Cache-Control': ['no-store', 'no-cache'] })
       r.setRawQuery('zzz&bar=baz&bar=bla&bar&blo=&foo=hello%20world')
       return {
         seen: kong.request.getHeader('x-seen'), headers: kong.request.getHeaders(),
         method: kong.request.getMethod(), query: kong.request.getQuery(), path: kong.request.getPath(),
       }`,
    )
    expect(run.result.mutations).toEqual([
      { op: 'service.request.setScheme', scheme: 'https' },
      { op: 'service.request.setPath', path: '/foo/%F0%9F%98%80%20bar' },
      { op: 'service.request.setMethod', method: 'DELETE' },
      { op: 'service.request.setHeader', name: 'X-Seen', value: 'yes' },
      { op: 'service.request.addHeader', name: 'x-seen', value: 'again' },
      { op: 'service.request.setHeader', name: 'Host', value: 'upstream.example' },
      { op: 'service.request.clearHeader', name: 'user-agent' },
      {
        op: 'service.request.setHeaders',
        headers: { 'X-Foo': 'foo3', 'Cache-Control': ['no-store', 'no-cache'] },
      },
      { op: 'service.request.setRawQuery', query: 'zzz&bar=baz&bar=bla&bar&blo=&foo=hello%20world' },
    ])
    expect(run.value).toEqual({
      seen: 'yes',
      headers: {
        host: 'upstream.example',
        'x-seen': ['yes', 'again'],
        'x-foo': 'foo3',
        'cache-control': ['no-store', 'no-cache'],
      },
      method: 'DELETE',
      query: { zzz: true, bar: ['baz', 'bla', true], blo: '', foo: 'hello world' },
      path: '/v1/movies',
    })
  })

  it('builds an ordered query from a table and clears single arguments', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `kong.service.request.setQuery({ foo: 'hello world', bar: ['baz', 'bla', true], zzz: true, blo: '', off: false, n: 2 })
       kong.service.request.clearQueryArg('blo')
       kong.service.request.clearQueryArg('missing')
       return kong.request.getRawQuery()`,
    )
    expect(run.result.mutations).toEqual([
      { op: 'service.request.setRawQuery', query: 'bar=baz&bar=bla&bar&blo=&foo=hello%20world&n=2&zzz' },
      { op: 'service.request.setRawQuery', query: 'bar=baz&bar=bla&bar&foo=hello%20world&n=2&zzz' },
    ])
    expect(run.value).toBe('bar=baz&bar=bla&bar&foo=hello%20world&n=2&zzz')
    for (const [code, message] of [
      ['kong.service.request.setQuery("a=1")', 'kong.service.request.setQuery: args must be a table'],
      [
        'kong.service.request.setQuery({ a: { b: 1 } })',
        'kong.service.request.setQuery: attempt to use a table as query arg value',
      ],
      [
        'kong.service.request.setQuery({ a: null })',
        'kong.service.request.setQuery: attempt to use nil as query arg value',
      ],
      ['kong.service.request.setPath("relative")', 'kong.service.request.setPath: path must start with /'],
      ['kong.service.request.setMethod("FETCH")', 'kong.service.request.setMethod: invalid method: FETCH'],
      ['kong.service.request.setScheme("ftp")', 'kong.service.request.setScheme: invalid scheme: ftp'],
      ['kong.service.request.clearHeader(1)', 'kong.service.request.clearHeader: header must be a string'],
      ['kong.service.request.setRawBody({})', 'kong.service.request.setRawBody: body must be a string'],
    ]) {
      expect(probe(isolate, 'access', code!).result.outcomes[0]?.error?.message).toBe(message)
    }
  })

  it('encodes setBody as form, JSON or multipart and sets the Content-Type', () => {
    isolate = probeIsolate(probeBundle)
    const form = probe(
      isolate,
      'access',
      `kong.service.request.setBody({ foo: 'hello world', bar: ['baz', 'bla', true], zzz: true, blo: '' },
         'application/x-www-form-urlencoded')
       return kong.request.getRawBody()`,
    )
    expect(form.result.mutations).toEqual([
      {
        op: 'service.request.setRawBody',
        body: 'bar=baz&bar=bla&bar&blo=&foo=hello%20world&zzz',
        base64: false,
      },
      { op: 'service.request.setHeader', name: 'Content-Type', value: 'application/x-www-form-urlencoded' },
    ])
    expect(form.value).toBe('bar=baz&bar=bla&bar&blo=&foo=hello%20world&zzz')
    expect(form.io).toEqual([])

    const json = probe(
      isolate,
      'access',
      'kong.service.request.setBody({ name: "John Doe", age: 42, numbers: [1, 2, 3] })',
      {
        state: { headers: { 'content-type': 'application/json; charset=utf-8' } },
      },
    )
    expect(json.result.mutations[0]).toEqual({
      op: 'service.request.setRawBody',
      body: '{"name":"John Doe","age":42,"numbers":[1,2,3]}',
      base64: false,
    })

    const multipart = probe(
      isolate,
      'access',
      'kong.service.request.setBody({ b: "two", a: 1 }, "multipart/form-data; boundary=XX")',
    )
    expect(multipart.result.mutations).toEqual([
      {
        op: 'service.request.setRawBody',
        body: '--XX\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XX\r\nContent-Disposition: form-data; name="b"\r\n\r\ntwo\r\n--XX--\r\n',
        base64: false,
      },
      { op: 'service.request.setHeader', name: 'Content-Type', value: 'multipart/form-data; boundary=XX' },
    ])

    const noType = probe(isolate, 'access', 'kong.service.request.setBody({ a: 1 })')
    expect(noType.result.outcomes[0]?.error?.message).toBe(
      'content type was neither explicitly given as an argument or received as a header',
    )
    const unsupported = probe(isolate, 'access', 'kong.service.request.setBody({ a: 1 }, "text/plain")')
    expect(unsupported.result.outcomes[0]?.error?.message).toBe(
      'kong.service.request.setBody: unsupported content type text/plain',
    )
    const nested = probe(isolate, 'access', 'kong.service.request.setBody({ a: {} }, "multipart/form-data")')
    expect(nested.result.outcomes[0]?.error?.message).toBe(
      'kong.service.request.setBody: invalid value "a": got table, expected string, number or boolean',
    )
  })

  it('is gone after access', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'headerFilter', 'kong.service.request.setHeader("x", "y")', {
      state: { response: { status: 200, headers: {}, source: 'service' } },
    })
    expect(run.result.outcomes[0]?.error?.message).toBe(
      'kong.service.request.setHeader: function cannot be called in headerFilter phase (only in: rewrite, access)',
    )
  })
})

describe('kong.service.response', () => {
  const serviceResponse = {
    status: 201,
    headers: { 'content-type': 'application/json', 'x-up': ['a', 'b'] },
    body: '{"id":7}',
  }

  it('reads status, headers and a buffered body', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'response',
      `const r = kong.service.response
       return Promise.all([r.getStatus(), r.getHeader('X-Up'), r.getHeaders(), r.getRawBody(), r.getBody()])`,
      { state: { serviceResponse, response: { status: 201, headers: {}, source: 'service' } } },
    )
    expect(run.io).toEqual([])
    expect(run.value).toEqual([
      201,
      'a',
      { 'content-type': 'application/json', 'x-up': ['a', 'b'] },
      '{"id":7}',
      { id: 7 },
    ])
  })

  it('asks the host for a body it does not have', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'log', 'return kong.service.response.getBody()', {
      state: { serviceResponse: { ...serviceResponse, body: null } },
      answer: (request) => ({
        ok: true,
        value: request.op === 'service.response.getRawBody' ? '{"late":true}' : null,
      }),
    })
    expect(run.io.map((request) => request.op)).toEqual(['service.response.getRawBody'])
    expect(run.value).toEqual({ late: true })
  })

  it('gives null status and no headers when nothing was proxied', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'log',
      'return [kong.service.response.getStatus(), kong.service.response.getHeaders()]',
    )
    expect(run.value).toEqual([null, {}])
  })
})
