import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RequestState } from '../protocol.ts'
import type { TestIsolate } from './index.ts'
import { bundles, PROBE_HANDLER, probe, probeIsolate } from './prelude-fixture.ts'

let probeBundle: { name: string; code: string }[]
let isolate: TestIsolate
beforeAll(async () => {
  probeBundle = await bundles({ probe: PROBE_HANDLER })
})
afterEach(() => isolate?.dispose())

const proxied: Partial<RequestState> = {
  response: {
    status: 200,
    headers: { 'content-type': 'text/plain', 'x-another': ['foo bar', 'baz'] },
    source: 'service',
  },
}

describe('kong.response getters and setters', () => {
  it('reads the response from the response phase on', () => {
    isolate = probeIsolate(probeBundle)
    const code = `return [kong.response.getStatus(), kong.response.getHeader('Content-Type'),
      kong.response.getHeader('x_another'), kong.response.getHeaders(), kong.response.getSource()]`
    for (const phase of ['response', 'headerFilter', 'bodyFilter', 'log'] as const) {
      expect(probe(isolate, phase, code, { state: proxied }).value).toEqual([
        200,
        'text/plain',
        'foo bar',
        { 'content-type': 'text/plain', 'x-another': ['foo bar', 'baz'] },
        'service',
      ])
    }
    const early = probe(isolate, 'access', 'kong.response.getStatus()')
    expect(early.result.outcomes[0]?.error?.message).toBe(
      'kong.response.getStatus: function cannot be called in access phase (only in: response, headerFilter, bodyFilter, log)',
    )
  })

  it('records setters in order and shows them to later getters', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'headerFilter',
      `kong.response.setStatus(404)
       kong.response.setHeader('X-Foo', 'value')
       kong.response.addHeader('Cache-Control', 'no-cache')
       kong.response.addHeader('Cache-Control', 'no-store')
       kong.response.setHeader('X-Num', 42)
       kong.response.clearHeader('Content-Type')
       kong.response.setHeaders({ Bla: 'boo', 'X-List': ['a', 'b'], 'Transfer-Encoding': 'chunked' })
       kong.response.setHeader('transfer_encoding', 'chunked')
       return [kong.response.getStatus(), kong.response.getHeaders()]`,
      { state: proxied },
    )
    expect(run.result.mutations).toEqual([
      { op: 'response.setStatus', status: 404 },
      { op: 'response.setHeader', name: 'X-Foo', value: 'value' },
      { op: 'response.addHeader', name: 'Cache-Control', value: 'no-cache' },
      { op: 'response.addHeader', name: 'Cache-Control', value: 'no-store' },
      { op: 'response.setHeader', name: 'X-Num', value: '42' },
      { op: 'response.clearHeader', name: 'Content-Type' },
      { op: 'response.setHeaders', headers: { Bla: 'boo', 'X-List': ['a', 'b'] } },
    ])
    expect(run.value).toEqual([
      404,
      {
        'x-another': ['foo bar', 'baz'],
        'x-foo': 'value',
        'cache-control': ['no-cache', 'no-store'],
        'x-num': '42',
        bla: 'boo',
        'x-list': ['a', 'b'],
      },
    ])
    expect(run.result.outcomes[0]?.logs).toEqual([
      { level: 'warn', message: 'manually setting Transfer-Encoding. Ignored.' },
      { level: 'warn', message: 'manually setting Transfer-Encoding. Ignored.' },
    ])
  })

  it("checks arguments with Kong's messages", () => {
    isolate = probeIsolate(probeBundle)
    const cases: [string, string][] = [
      ['kong.response.setStatus("200")', 'kong.response.setStatus: code must be a number'],
      ['kong.response.setStatus(99)', 'kong.response.setStatus: code must be a number between 200 and 599'],
      ['kong.response.setStatus(103)', 'kong.response.setStatus: code must be a number between 200 and 599'],
      [
        'kong.response.setStatus(200.5)',
        'kong.response.setStatus: code must be a number between 200 and 599',
      ],
      [
        'kong.response.setHeader(1, "x")',
        'kong.response.setHeader: invalid header name "1": got number, expected string',
      ],
      [
        'kong.response.setHeader("x", {})',
        'kong.response.setHeader: invalid header value for "x": got table, expected string, number or boolean',
      ],
      [
        'kong.response.setHeader("x", null)',
        'kong.response.setHeader: invalid header value for "x": got nil, expected string, number or boolean',
      ],
      [
        'kong.response.setHeader("bad name", "x")',
        'kong.response.setHeader: invalid header name "bad name": not a valid HTTP header name',
      ],
      [
        'kong.response.setHeader("x", "a\\r\\nInjected: 1")',
        'kong.response.setHeader: invalid header value for "x": contains control characters or characters beyond U+00FF',
      ],
      [
        'kong.response.setHeader("x", ["a", 1])',
        'kong.response.setHeader: invalid header value in array "x": got number, expected string',
      ],
      ['kong.response.clearHeader(1)', 'kong.response.clearHeader: header name must be a string'],
      ['kong.response.setHeaders("x")', 'kong.response.setHeaders: headers must be a table'],
      [
        'kong.response.setHeaders({ x: { a: 1 } })',
        'kong.response.setHeaders: invalid header value for "x": got table, expected string, number, boolean or array of strings',
      ],
    ]
    for (const [code, message] of cases) {
      const run = probe(isolate, 'access', code)
      expect(run.result.outcomes[0]).toMatchObject({ status: 'error', error: { message } })
      expect(run.result.mutations).toEqual([])
    }
  })
})

describe('kong.response.exit and error', () => {
  it('sends strings as they are, binary as base64, and tables as JSON', () => {
    isolate = probeIsolate(probeBundle)
    expect(probe(isolate, 'access', 'kong.response.exit(200)').result.exit).toEqual({
      status: 200,
      body: null,
      base64: false,
      headers: {},
    })
    expect(
      probe(
        isolate,
        'access',
        'kong.response.exit(403, "Access Forbidden", { "Content-Type": "text/plain", "WWW-Authenticate": "Basic" })',
      ).result.exit,
    ).toEqual({
      status: 403,
      body: 'Access Forbidden',
      base64: false,
      headers: { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Basic' },
    })
    expect(
      probe(isolate, 'access', 'kong.response.exit(200, new Uint8Array([0, 255, 104, 105]))').result.exit,
    ).toEqual({
      status: 200,
      body: 'AP9oaQ==',
      base64: true,
      headers: {},
    })
    expect(
      probe(
        isolate,
        'rewrite',
        'kong.response.exit(418, [1, { a: null }], { "content-type": "application/vnd.x+json" })',
      ).result.exit,
    ).toEqual({
      status: 418,
      body: '[1,{"a":null}]',
      base64: false,
      headers: { 'content-type': 'application/vnd.x+json' },
    })
  })

  it("refuses bad arguments with Kong's messages and records no exit", () => {
    isolate = probeIsolate(probeBundle)
    const cases: [string, string][] = [
      ['kong.response.exit("200")', 'kong.response.exit: code must be a number'],
      ['kong.response.exit(600)', 'kong.response.exit: code must be a number between 200 and 599'],
      ['kong.response.exit(103, "early")', 'kong.response.exit: code must be a number between 200 and 599'],
      ['kong.response.exit(200, 42)', 'kong.response.exit: body must be a nil, string or table'],
      ['kong.response.exit(200, "x", "h")', 'kong.response.exit: headers must be a nil or table'],
      [
        'const a = {}; a.self = a; kong.response.exit(200, a)',
        'kong.response.exit: body encoding failed while flushing response: value contains a cycle',
      ],
      [
        'kong.response.exit(200, { n: 1n })',
        'kong.response.exit: body encoding failed while flushing response: cannot serialize a BigInt',
      ],
      ['kong.response.error(399)', 'kong.response.error: code must be a number between 400 and 599'],
      ['kong.response.error(500, 42)', 'kong.response.error: message must be a nil, a string or a table'],
    ]
    for (const [code, message] of cases) {
      const run = probe(isolate, 'access', code)
      expect(run.result.outcomes[0]).toMatchObject({ status: 'error', error: { message } })
      expect(run.result.exit).toBeUndefined()
    }
    const late = probe(isolate, 'log', 'kong.response.exit(200)', { state: proxied })
    expect(late.result.outcomes[0]?.error?.message).toBe(
      'kong.response.exit: function cannot be called in log phase (only in: rewrite, access, response, headerFilter)',
    )
  })

  it("formats kong.response.error after Accept, with Kong's default messages", () => {
    isolate = probeIsolate(probeBundle)
    const withAccept = (accept: string | null, code = 'kong.response.error(404)') =>
      probe(isolate, 'access', code, {
        state: { id: 'rid-9', headers: accept === null ? {} : { accept } },
      }).result.exit!
    expect(withAccept(null)).toEqual({
      status: 404,
      body: '{\n  "message":"Not found",\n  "request_id":"rid-9"\n}',
      base64: false,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    })
    expect(withAccept('text/html').body).toContain('<p>Not found.</p>\n    <p>request_id: rid-9</p>')
    expect(withAccept('text/html').headers).toEqual({ 'Content-Type': 'text/html; charset=utf-8' })
    expect(withAccept('application/xml;q=0.9, text/plain;q=0.5').body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>Not found</message>\n  <requestid>rid-9</requestid>\n</error>\n',
    )
    expect(withAccept('text/*').body).toBe('Not found\nrequest_id: rid-9\n')
    expect(withAccept('image/png').headers).toEqual({ 'Content-Type': 'application/json; charset=utf-8' })
    expect(withAccept(null, 'kong.response.error(599)').body).toContain(
      '"message":"The upstream server responded with 599"',
    )
    expect(withAccept(null, 'kong.response.error(403, "Say \\"please\\"")').body).toContain(
      '"message":"Say \\"please\\""',
    )
    expect(withAccept(null, 'kong.response.error(403, "x", { "Content-Type": "text/plain" })')).toEqual({
      status: 403,
      body: 'x\nrequest_id: rid-9\n',
      base64: false,
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(withAccept('text/html', 'kong.response.error(400, "<b>&</b>")').body).toContain(
      '<p>&lt;b&gt;&amp;&lt;/b&gt;.</p>',
    )
  })
})

describe('kong.response bodies in bodyFilter', () => {
  const chunk = (text: string, eof: boolean) => ({
    call: { chunk: { data: Buffer.from(text).toString('base64'), eof } },
  })

  it('buffers chunks with getRawBody and hands the whole body to the last one', () => {
    isolate = probeIsolate(probeBundle)
    const code = 'return kong.response.getRawBody()'
    const rid = { rid: 'stream-1' }
    const first = probe(isolate, 'bodyFilter', code, {
      state: proxied,
      call: { ...chunk('Hello, ', false).call, ...rid },
    })
    expect(first.value).toBe(null)
    expect(first.result.chunk).toBe('')
    const second = probe(isolate, 'bodyFilter', code, {
      call: { ...chunk('wörld', false).call, ...rid, state: undefined, delta: {} },
    })
    expect(second.result.chunk).toBe('')
    const last = probe(isolate, 'bodyFilter', code, {
      call: { ...chunk('!', true).call, ...rid, state: undefined, delta: {} },
    })
    expect(last.value).toBe('Hello, wörld!')
    expect(Buffer.from(last.result.chunk!, 'base64').toString()).toBe('Hello, wörld!')
  })

  it('returns a single last chunk untouched', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'bodyFilter', 'return kong.response.getRawBody()', {
      state: proxied,
      ...chunk('whole', true),
    })
    expect(run.value).toBe('whole')
    expect(run.result.chunk).toBeUndefined()
  })

  it('replaces the body with setRawBody', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'bodyFilter',
      'const body = kong.response.getRawBody(); kong.response.setRawBody(body.toUpperCase() + " ✓")',
      { state: proxied, ...chunk('shout', true) },
    )
    expect(Buffer.from(run.result.chunk!, 'base64').toString()).toBe('SHOUT ✓')
    expect(run.result.mutations).toEqual([{ op: 'response.setRawBody', body: 'SHOUT ✓', base64: false }])
    const bad = probe(isolate, 'bodyFilter', 'kong.response.setRawBody(1)', {
      state: proxied,
      ...chunk('x', true),
    })
    expect(bad.result.outcomes[0]?.error?.message).toBe('kong.response.setRawBody: body must be a string')
    const wrongPhase = probe(isolate, 'headerFilter', 'kong.response.getRawBody()', { state: proxied })
    expect(wrongPhase.result.outcomes[0]?.error?.message).toBe(
      'kong.response.getRawBody: function cannot be called in headerFilter phase (only in: bodyFilter)',
    )
  })
})
