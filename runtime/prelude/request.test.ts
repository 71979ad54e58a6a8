import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestIsolate } from './index.ts'
import { bundles, PROBE_HANDLER, probe, probeIsolate } from './prelude-fixture.ts'

let probeBundle: { name: string; code: string }[]
let isolate: TestIsolate
beforeAll(async () => {
  probeBundle = await bundles({ probe: PROBE_HANDLER })
})
afterEach(() => isolate?.dispose())

describe('kong.request getters', () => {
  it('reads scheme, host, port, method, paths and query from the state', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `return {
        scheme: kong.request.getScheme(), host: kong.request.getHost(), port: kong.request.getPort(),
        method: kong.request.getMethod(), raw: kong.request.getRawPath(), path: kong.request.getPath(),
        withQuery: kong.request.getPathWithQuery(), rawQuery: kong.request.getRawQuery(),
        start: kong.request.getStartTime(), version: kong.request.getHttpVersion(),
      }`,
      {
        state: {
          scheme: 'https',
          port: 8443,
          method: 'POST',
          path: '/t/Abc%20123%C3%B8%2f/parent/..//test/./',
          rawQuery: 'movie=foo',
        },
      },
    )
    expect(run.result.outcomes).toEqual([])
    expect(run.value).toEqual({
      scheme: 'https',
      host: 'example.com',
      port: 8443,
      method: 'POST',
      raw: '/t/Abc%20123%C3%B8%2f/parent/..//test/./',
      path: '/t/Abc 123ø%2F/test/',
      withQuery: '/t/Abc%20123%C3%B8%2f/parent/..//test/./?movie=foo',
      rawQuery: 'movie=foo',
      start: 1_700_000_000_000,
      version: 1.1,
    })
  })

  it('parses the query like ngx.decode_args, with Kong max_args checks', () => {
    isolate = probeIsolate(probeBundle)
    const state = { rawQuery: 'foo=hello%20world&bar=baz&zzz&blo=&bar=bla&bar&plus=a+b&=x' }
    const run = probe(
      isolate,
      'access',
      `return {
        all: kong.request.getQuery(), two: kong.request.getQuery(2),
        foo: kong.request.getQueryArg('foo'), bar: kong.request.getQueryArg('bar'),
        zzz: kong.request.getQueryArg('zzz'), blo: kong.request.getQueryArg('blo'),
        none: kong.request.getQueryArg('none'),
      }`,
      { state },
    )
    expect(run.value).toEqual({
      all: { foo: 'hello world', bar: ['baz', 'bla', true], zzz: true, blo: '', plus: 'a b' },
      two: { foo: 'hello world', bar: 'baz' },
      foo: 'hello world',
      bar: 'baz',
      zzz: true,
      blo: '',
      none: null,
    })
    for (const [code, message] of [
      ['kong.request.getQuery("10")', 'kong.request.getQuery: max_args must be a number'],
      ['kong.request.getQuery(0)', 'kong.request.getQuery: max_args must be >= 1'],
      ['kong.request.getQuery(1001)', 'kong.request.getQuery: max_args must be <= 1000'],
      ['kong.request.getQueryArg(1)', 'kong.request.getQueryArg: query argument name must be a string'],
    ]) {
      const failed = probe(isolate, 'access', code!, { state })
      expect(failed.result.outcomes[0]).toMatchObject({ status: 'error', error: { message } })
    }
  })

  it('reads headers case-insensitively, underscores as dashes, first of repeated values', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `return {
        custom: kong.request.getHeader('X-Custom-Header'), underscore: kong.request.getHeader('x_custom_header'),
        another: kong.request.getHeader('X-Another'), missing: kong.request.getHeader('x-none'),
        proto: kong.request.getHeader('__proto__'), ctor: kong.request.getHeader('constructor'),
        all: kong.request.getHeaders(), one: Object.keys(kong.request.getHeaders(1)).length,
      }`,
      { state: { headers: { host: 'foo.com', 'x-custom-header': 'bla', 'x-another': ['foo bar', 'baz'] } } },
    )
    expect(run.value).toEqual({
      custom: 'bla',
      underscore: 'bla',
      another: 'foo bar',
      missing: null,
      proto: null,
      ctor: null,
      all: { host: 'foo.com', 'x-custom-header': 'bla', 'x-another': ['foo bar', 'baz'] },
      one: 1,
    })
    const bad = probe(isolate, 'access', 'kong.request.getHeader(null)')
    expect(bad.result.outcomes[0]?.error?.message).toBe(
      'kong.request.getHeader: header name must be a string',
    )
  })

  it('uses X-Forwarded-* only from trusted peers', () => {
    const code = `return [kong.request.getForwardedScheme(), kong.request.getForwardedHost(),
      kong.request.getForwardedPort(), kong.request.getForwardedPath(), kong.request.getForwardedPrefix()]`
    const headers = {
      host: 'example.com',
      'x-forwarded-proto': 'HTTPS',
      'x-forwarded-host': 'user@Outer.Example:9443',
      'x-forwarded-path': '/outer/path',
      'x-forwarded-prefix': '/outer',
    }
    const state = { headers, upstream: { method: 'GET', path: '/movies', rawQuery: '', prefix: '/v1' } }
    isolate = probeIsolate(probeBundle, { trustedIps: ['10.0.0.0/8'] })
    expect(probe(isolate, 'access', code, { state }).value).toEqual([
      'http',
      'example.com',
      8000,
      '/v1/movies',
      '/v1',
    ])
    const trusted = {
      ...state,
      client: {
        ip: '10.1.2.3',
        port: 1,
        forwardedIp: '1.2.3.4',
        forwardedPort: 2,
        protocol: 'http' as const,
      },
    }
    expect(probe(isolate, 'access', code, { state: trusted }).value).toEqual([
      'https',
      'outer.example',
      9443,
      '/outer/path',
      '/outer',
    ])
    const withPort = { ...trusted, headers: { ...headers, 'x-forwarded-port': '1234' } }
    expect((probe(isolate, 'access', code, { state: withPort }).value as unknown[])[2]).toBe(1234)
  })

  it('splits URI captures into unnamed and named', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'access', 'return kong.request.getUriCaptures()', {
      state: { uriCaptures: { '0': '/users/42', '1': '42', id: '42' } },
    })
    expect(run.value).toEqual({ unnamed: ['/users/42', '42'], named: { id: '42' } })
  })
})

describe('kong.request bodies (host I/O)', () => {
  it('asks the host for the raw body once and resolves with its answer', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      'return Promise.all([kong.request.getRawBody(), kong.request.getRawBody().then((b) => b.length)])',
      { answer: () => ({ ok: true, value: 'Hello, Earth!' }) },
    )
    expect(run.io).toEqual([{ id: expect.any(Number), plugin: 'probe', op: 'request.getRawBody', args: [] }])
    expect(run.value).toEqual(['Hello, Earth!', 13])
    expect(run.result.pending).toBeUndefined()
  })

  it('uses a body the state already carries without crossing', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'access', 'return kong.request.getRawBody()', {
      state: { rawBody: 'preloaded' },
    })
    expect(run.io).toEqual([])
    expect(run.value).toBe('preloaded')
  })

  it('rejects with the host error when the body cannot be read', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'access', 'return kong.request.getRawBody()', {
      answer: () => ({ ok: false, error: 'request body did not fit into client body buffer' }),
    })
    expect(run.result.outcomes[0]).toMatchObject({
      status: 'error',
      error: { message: 'request body did not fit into client body buffer' },
    })
  })

  it('parses form, JSON and multipart bodies inside the isolate', () => {
    isolate = probeIsolate(probeBundle)
    const form = probe(isolate, 'access', 'return kong.request.getBody()', {
      state: { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } },
      answer: () => ({ ok: true, value: 'name=John+Doe&age=42&tag=a&tag=b&flag' }),
    })
    expect(form.value).toEqual({ name: 'John Doe', age: '42', tag: ['a', 'b'], flag: true })

    const json = probe(isolate, 'access', 'return kong.request.getBody()', {
      state: { headers: { 'content-type': 'application/json' } },
      answer: () => ({ ok: true, value: '{"name":"John Doe","numbers":[1,2,3]}' }),
    })
    expect(json.value).toEqual({ name: 'John Doe', numbers: [1, 2, 3] })

    const multipart = [
      '--XyZ',
      'Content-Disposition: form-data; name="name"',
      '',
      'John Doe',
      '--XyZ',
      'Content-Disposition: form-data; name="file"; filename="a.txt"',
      'Content-Type: text/plain',
      '',
      'line one',
      'line two',
      '--XyZ',
      'Content-Disposition: form-data; name="tag"',
      '',
      'x',
      '--XyZ',
      'Content-Disposition: form-data; name="tag"',
      '',
      'y',
      '--XyZ--',
      '',
    ].join('\r\n')
    const parts = probe(isolate, 'access', 'return kong.request.getBody()', {
      state: { headers: { 'content-type': 'multipart/form-data; boundary="XyZ"' } },
      answer: () => ({ ok: true, value: multipart }),
    })
    expect(parts.value).toEqual({ name: 'John Doe', file: 'line one\r\nline two', tag: ['x', 'y'] })

    const asJson = probe(isolate, 'access', 'return kong.request.getBody("application/json")', {
      state: { headers: { 'content-type': 'text/plain' } },
      answer: () => ({ ok: true, value: '[1]' }),
    })
    expect(asJson.value).toEqual([1])
  })

  it("gives Kong's errors for bodies it cannot parse", () => {
    isolate = probeIsolate(probeBundle)
    const cases: [Record<string, string>, string, string][] = [
      [{}, 'x', 'missing content type'],
      [{ 'content-type': 'application/json' }, '"just a string"', 'invalid json body'],
      [{ 'content-type': 'application/json' }, '{oops', 'invalid json body'],
      [{ 'content-type': 'multipart/form-data' }, 'x', 'unable to decode multipart body'],
      [{ 'content-type': 'text/plain' }, 'x', "unsupported content type 'text/plain'"],
    ]
    for (const [headers, body, message] of cases) {
      const run = probe(isolate, 'access', 'return kong.request.getBody()', {
        state: { headers },
        answer: () => ({ ok: true, value: body }),
      })
      expect(run.result.outcomes[0]).toMatchObject({ status: 'error', error: { message } })
    }
    const limit = probe(isolate, 'access', 'return kong.request.getBody(undefined, 5000)', {
      state: { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    })
    expect(limit.result.outcomes[0]?.error?.message).toBe('kong.request.getBody: max_args must be <= 1000')
    expect(limit.io).toEqual([])
  })

  it('refuses body reads after the response started', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'headerFilter', 'kong.request.getRawBody()', {
      state: { response: { status: 200, headers: {}, source: 'service' } },
    })
    expect(run.result.outcomes[0]?.error?.message).toBe(
      'kong.request.getRawBody: function cannot be called in headerFilter phase (only in: rewrite, access, response)',
    )
  })
})
