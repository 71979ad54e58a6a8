import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { type BridgeRule, isBridgeViolation, isQuota } from '../../runtime/isolate/index.ts'
import type { RequestState } from '../../runtime/protocol.ts'
import { applyMutations } from './apply-mutations.ts'
import { RequestModel } from './request-model.ts'

function model(): RequestModel {
  const state: RequestState = {
    id: 'r1',
    startedAt: 0,
    scheme: 'http',
    host: 'example.com',
    port: 8000,
    method: 'GET',
    path: '/a',
    rawQuery: '',
    headers: { accept: '*/*' },
    client: { ip: '127.0.0.1', port: 1, forwardedIp: '127.0.0.1', forwardedPort: 8000, protocol: 'http' },
    route: null,
    service: null,
    uriCaptures: null,
    workspace: { id: 'w', name: 'default' },
    consumer: null,
    credential: null,
    shared: {},
    upstream: { method: 'GET', path: '/a', rawQuery: '' },
    response: null,
    serviceResponse: null,
  }
  return new RequestModel(state)
}

/** The rule and message of the BridgeViolation `ops` get from the host. */
function refusal(ops: unknown[], m = model()): { rule: BridgeRule; message: string; quota: boolean } {
  try {
    applyMutations(m, ops)
  } catch (error) {
    if (isBridgeViolation(error)) return { rule: error.rule, message: error.message, quota: isQuota(error) }
    throw error
  }
  throw new Error('the operations were accepted')
}

describe('applyMutations', () => {
  it('shapes the upstream request in call order, visible to later getters', () => {
    const m = model()
    applyMutations(m, [
      { op: 'service.request.setHeader', name: 'X-One', value: '1' },
      { op: 'service.request.addHeader', name: 'x-one', value: '2' },
      { op: 'service.request.clearHeader', name: 'Accept' },
      { op: 'service.request.setMethod', method: 'POST' },
      { op: 'service.request.setPath', path: '/b' },
      { op: 'service.request.setRawQuery', query: 'x=1' },
      { op: 'service.request.setRawBody', body: 'aGk=', base64: true },
      { op: 'service.setTarget', host: 'upstream.local', port: 9000 },
      { op: 'service.setRetries', retries: 0 },
    ])
    expect(m.state.headers).toEqual({ 'x-one': ['1', '2'] })
    // Added to nothing: a single value stays a string, as the isolate's own view has it.
    applyMutations(m, [
      { op: 'service.request.addHeader', name: 'X-Two', value: 'a' },
      { op: 'service.request.addHeader', name: 'X-Three', value: ['b', 'c'] },
    ])
    expect(m.state.headers['x-two']).toBe('a')
    expect(m.state.headers['x-three']).toEqual(['b', 'c'])
    expect(m.state.upstream).toEqual({ method: 'POST', path: '/b', rawQuery: 'x=1' })
    expect(m.upstreamBody?.toString()).toBe('hi')
    expect(m.target).toEqual({ host: 'upstream.local', port: 9000, plugin: '?', workspace: 'default' })
    expect(m.retries).toBe(0)
  })

  it('keeps response changes made before the response exists, then applies to the live one', () => {
    const m = model()
    applyMutations(m, [
      { op: 'response.setHeader', name: 'X-Early', value: 'yes' },
      { op: 'response.setStatus', status: 418 },
    ])
    expect(m.pendingResponse.headers).toEqual({ 'x-early': 'yes' })
    expect(m.pendingResponse.status).toBe(418)
    m.state.response = { status: 200, headers: { 'content-type': 'text/plain' }, source: 'service' }
    applyMutations(m, [
      { op: 'response.setStatus', status: 201 },
      { op: 'response.clearHeader', name: 'content-type' },
    ])
    expect(m.state.response).toMatchObject({ status: 201, headers: {} })
  })

  it('records authentication for the plugins after it', () => {
    const m = model()
    applyMutations(m, [{ op: 'client.authenticate', consumer: { id: 'c1' }, credential: { id: 'k1' } }])
    expect(m.state.consumer).toEqual({ id: 'c1' })
    expect(m.state.credential).toEqual({ id: 'k1' })
  })

  // The isolate-side validator's cases (they were bridge-violation.test.ts's), now the host's one pass.
  const cases: [string, unknown, BridgeRule][] = [
    ['an operation that is not an object', 'setHeader', 'shape'],
    ['an op that is not a string', { op: 5 }, 'shape'],
    ['an unknown operation', { op: 'process.exit' }, 'mutation_op'],
    ['an operation named after an Object.prototype member', { op: 'constructor' }, 'mutation_op'],
    [
      'a header value with CR LF',
      { op: 'service.request.setHeader', name: 'x-a', value: 'ok\r\nx-evil: 1' },
      'header_value',
    ],
    [
      'a header value with NUL',
      { op: 'response.setHeader', name: 'x-a', value: ['fine', 'a\u0000b'] },
      'header_value',
    ],
    [
      'a header value above U+00FF',
      { op: 'response.addHeader', name: 'x-a', value: 'snow ☃' },
      'header_value',
    ],
    ['a header value of the wrong type', { op: 'response.setHeader', name: 'x-a', value: 5 }, 'shape'],
    [
      'a header name with a space',
      { op: 'service.request.setHeader', name: 'x a', value: 'b' },
      'header_name',
    ],
    ['a header name with a colon', { op: 'service.request.clearHeader', name: 'x:a' }, 'header_name'],
    [
      'a header map with a CR in a value',
      { op: 'response.setHeaders', headers: { a: 'b\r' } },
      'header_value',
    ],
    [
      'a framing header on the response',
      { op: 'response.setHeader', name: 'Content-Length', value: '0' },
      'header_name',
    ],
    [
      'a hop-by-hop header upstream',
      { op: 'service.request.addHeader', name: 'connection', value: 'close' },
      'header_name',
    ],
    [
      'a framing header spelled with _ in a header map',
      { op: 'service.request.setHeaders', headers: { transfer_encoding: 'chunked' } },
      'header_name',
    ],
    ['status 99', { op: 'response.setStatus', status: 99 }, 'status'],
    ['status 600', { op: 'response.setStatus', status: 600 }, 'status'],
    ['status 200.5', { op: 'response.setStatus', status: 200.5 }, 'status'],
    ['status 103 (final statuses only)', { op: 'response.setStatus', status: 103 }, 'status'],
    ['a path without /', { op: 'service.request.setPath', path: 'etc/passwd' }, 'path'],
    ['a path with LF', { op: 'service.request.setPath', path: '/a\nb' }, 'path'],
    ['a path with a space', { op: 'service.request.setPath', path: '/a b' }, 'path'],
    ['a path with a query', { op: 'service.request.setPath', path: '/a?b=1' }, 'path'],
    ['a query with a fragment', { op: 'service.request.setRawQuery', query: 'a=1#x' }, 'query'],
    ['a query with a control character', { op: 'service.request.setRawQuery', query: 'a=\u0007' }, 'query'],
    ['a method that is not a token', { op: 'service.request.setMethod', method: 'GET /x' }, 'method'],
    ['a lower-case method', { op: 'service.request.setMethod', method: 'get' }, 'method'],
    ['a scheme other than http(s)', { op: 'service.request.setScheme', scheme: 'ftp' }, 'scheme'],
    ['a target host with a slash', { op: 'service.setTarget', host: 'a/b', port: 80 }, 'target'],
    ['a target host with a space', { op: 'service.setTarget', host: 'a b', port: 80 }, 'target'],
    ['a target port of 70000', { op: 'service.setTarget', host: 'a', port: 70000 }, 'target'],
    ['a target port of 0', { op: 'service.setTarget', host: 'a', port: 0 }, 'target'],
    ['negative retries', { op: 'service.setRetries', retries: -1 }, 'number'],
    ['a timeout of 0', { op: 'service.setTimeouts', connect: 0, write: 1, read: 1 }, 'number'],
    ['a body that is not base64', { op: 'response.setRawBody', body: 'a*b', base64: true }, 'base64'],
    [
      'a consumer that is not an object',
      { op: 'client.authenticate', consumer: 'admin', credential: null },
      'shape',
    ],
  ]
  for (const [name, op, rule] of cases) {
    it(`refuses ${name} (${rule}, 500)`, () => {
      const refused = refusal([op])
      expect(refused.rule).toBe(rule)
      expect(refused.quota).toBe(false)
      expect(refused.message).toMatch(/mutations\[0\]/)
    })
  }

  it('refuses values over a bridge cap as quotas (503)', () => {
    const big = refusal([{ op: 'response.setRawBody', body: 'x'.repeat(13 * 2 ** 20), base64: false }])
    expect([big.rule, big.quota]).toEqual(['body_size', true])
    const long = refusal([{ op: 'service.request.setHeader', name: 'x-a', value: 'x'.repeat(33 * 1024) }])
    expect([long.rule, long.quota]).toEqual(['header_size', true])
    const many = refusal([{ op: 'response.setHeader', name: 'x-a', value: Array(65).fill('v') }])
    expect([many.rule, many.quota]).toEqual(['header_count', true])
  })

  it('names the refused operation by its index', () => {
    const refused = refusal([
      { op: 'service.setRetries', retries: 1 },
      { op: 'response.setHeaders', headers: { 'x-ok': '1', 'x-bad': 'a\nb' } },
    ])
    expect(refused.message).toMatch(
      /^bridge violation \(header_value\): mutations\[1\]\.headers\.x-bad: contains CR/,
    )
  })

  it('takes back every operation of an answer it refuses, and the version counters', () => {
    const m = model()
    applyMutations(m, [
      { op: 'service.request.setHeader', name: 'x-kept', value: 'earlier answer' },
      { op: 'response.setHeader', name: 'x-pending', value: 'earlier answer' },
    ])
    const before = structuredClone({ state: m.state, pending: m.pendingResponse })
    const versions = [m.requestVersion, m.responseVersion]
    refusal(
      [
        { op: 'service.request.setHeader', name: 'x-kept', value: 'replaced' },
        { op: 'service.request.addHeader', name: 'accept', value: 'text/html' },
        { op: 'service.request.clearHeader', name: 'x-kept' },
        { op: 'service.request.setHeaders', headers: { 'x-new': '1' } },
        { op: 'service.request.setMethod', method: 'POST' },
        { op: 'service.request.setPath', path: '/b' },
        { op: 'service.request.setRawQuery', query: 'x=1' },
        { op: 'service.request.setScheme', scheme: 'https' },
        { op: 'service.request.setRawBody', body: 'hi', base64: false },
        { op: 'service.setTarget', host: 'upstream.local', port: 9000 },
        { op: 'service.setRetries', retries: 0 },
        { op: 'service.setTimeouts', connect: 1, write: 2, read: 3 },
        { op: 'response.setStatus', status: 418 },
        { op: 'response.clearHeader', name: 'x-pending' },
        { op: 'response.setHeader', name: 'x-other', value: '1' },
        { op: 'client.authenticate', consumer: { id: 'c1' }, credential: null },
        { op: 'response.setHeader', name: 'x-bad', value: 'a\r\nb' },
      ],
      m,
    )
    expect({ state: m.state, pending: m.pendingResponse }).toEqual(before)
    expect([m.requestVersion, m.responseVersion]).toEqual(versions)
    expect([m.target, m.retries, m.timeouts, m.scheme, m.upstreamBody]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ])
    // The same answer applied to a live response (headerFilter) leaves that response as it was.
    m.state.response = { status: 200, headers: { 'content-type': 'text/plain' }, source: 'service' }
    refusal(
      [
        { op: 'response.setStatus', status: 500 },
        { op: 'response.clearHeader', name: 'content-type' },
        { op: 'response.addHeader', name: 'x-added', value: '1' },
        { op: 'response.setRawBody', body: 'leaked', base64: false },
        { op: 'response.setStatus', status: 1 },
      ],
      m,
    )
    expect(m.state.response).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      source: 'service',
    })
    expect(m.chunk).toBeNull()
  })

  it('keeps a header named __proto__ a header (own property, prototype untouched)', () => {
    const m = model()
    m.state.response = { status: 200, headers: {}, source: 'service' }
    applyMutations(m, [
      { op: 'response.setHeader', name: '__proto__', value: ['a', 'b'] },
      { op: 'response.addHeader', name: 'constructor', value: 'c' },
    ])
    const { headers } = m.state.response
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype)
    expect(Object.entries(headers)).toEqual([
      ['__proto__', ['a', 'b']],
      ['constructor', 'c'],
    ])
    refusal(
      [
        { op: 'response.setHeader', name: '__proto__', value: 'x' },
        { op: 'response.setStatus', status: 1 },
      ],
      m,
    )
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toEqual(['a', 'b'])
  })

  it("is the only reader of an answer's operations in the host, sdk/testing and the benchmark", () => {
    // ParsedResult types them `unknown`; this keeps a new consumer from casting its way around it.
    const root = fileURLToPath(new URL('../..', import.meta.url))
    const readers: string[] = []
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          for (const line of readFileSync(path, 'utf8').split('\n')) {
            const code = line.trim()
            if (code.startsWith('*') || code.startsWith('//')) continue
            if (/(?<!BRIDGE_LIMITS)\.mutations\b|\['mutations'\]/.test(code))
              readers.push(`${relative(root, path)}: ${code}`)
          }
        }
      }
    }
    for (const dir of ['host', 'sdk', 'bench', 'runtime/isolate']) walk(join(root, dir))
    expect(readers).toEqual([
      'host/chain/phase-call.ts: applyMutations(model, result.mutations, plugin)',
      // The envelope: a list, at most BRIDGE_LIMITS.mutations long.
      "runtime/isolate/validate-result.ts: array(result['mutations'], 'mutations', BRIDGE_LIMITS.mutations, 'mutation_count')",
    ])
  })
})
