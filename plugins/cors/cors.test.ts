import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Headers, RequestState } from '../../runtime/protocol.ts'
import { headersAfter, loadPlugin, type PluginUnderTest } from '../test-harness.ts'

const ALL_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT'

let plugin: PluginUnderTest
beforeAll(async () => {
  plugin = await loadPlugin('cors')
})
afterAll(() => plugin?.dispose())

function preflight(config: Record<string, unknown>, headers: Headers = {}) {
  const run = plugin
    .request(config, {
      method: 'OPTIONS',
      headers: {
        host: 'api.test',
        origin: 'http://site.test',
        'access-control-request-method': 'POST',
        ...headers,
      },
    })
    .run('access')
  return { run, headers: headersAfter(run.result.mutations, 'response') }
}

/** An actual (non-preflight) request: headerFilter over an upstream response with `upstream` headers. */
function actual(config: Record<string, unknown>, origin: string | null, upstream: Headers = {}) {
  const request = plugin.request(config, {
    headers: origin === null ? { host: 'api.test' } : { host: 'api.test', origin },
  })
  expect(request.run('access').result.mutations).toEqual([])
  const response = { status: 200, headers: upstream, source: 'service' as const }
  const run = request.run('headerFilter', { delta: { response } })
  expect(run.status).toBe('ok')
  return headersAfter(run.result.mutations, 'response', upstream)
}

describe('cors configuration', () => {
  it("fills Kong's defaults", () => {
    expect(plugin.validate({})).toEqual({
      ok: true,
      config: {
        methods: ALL_METHODS.split(','),
        credentials: false,
        private_network: false,
        preflight_continue: false,
        allow_origin_absent: true,
      },
    })
  })

  it('accepts `*`, plain origins and regexes; refuses bad regexes and methods', () => {
    expect(plugin.validate({ origins: ['*', 'http://a.test', '.*\\.b\\.test'] }).ok).toBe(true)
    const bad = plugin.validate({ origins: ['ok.test', '(unclosed'], methods: ['GET', 'FETCH'] })
    expect(bad.ok ? null : bad.errors).toMatchObject({
      origins: [null, expect.any(String)],
      methods: [null, `expected one of: ${ALL_METHODS.split(',').join(', ')}`],
    })
  })
})

describe('cors preflight', () => {
  it("answers 200 itself with Kong's headers for every origin by default", () => {
    const { run, headers } = preflight({}, { 'access-control-request-headers': 'X-Custom' })
    expect(run.status).toBe('exit')
    expect(run.result.exit).toMatchObject({ status: 200, body: null })
    expect(headers).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'X-Custom',
      'access-control-allow-methods': ALL_METHODS,
    })
  })

  it('uses the configured origins, headers, methods, max age, credentials and private network', () => {
    const { run, headers } = preflight(
      {
        origins: ['http://site.test', 'http://other.test'],
        headers: ['X-One', 'X-Two'],
        methods: ['GET', 'POST'],
        max_age: 3600,
        credentials: true,
        private_network: true,
      },
      { 'access-control-request-private-network': 'true' },
    )
    expect(run.result.exit?.status).toBe(200)
    expect(headers).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': 'http://site.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'X-One,X-Two',
      'access-control-allow-methods': 'GET,POST',
      'access-control-max-age': '3600',
      'access-control-allow-private-network': 'true',
    })
  })

  it('echoes the origin instead of `*` when credentials are allowed', () => {
    const { headers } = preflight({ credentials: true })
    expect(headers).toMatchObject({
      'access-control-allow-origin': 'http://site.test',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    })
  })

  it('clears the allowed origin when the origin does not match', () => {
    const { run, headers } = preflight({ origins: ['http://a.test', 'http://b.test'] })
    expect(run.result.exit?.status).toBe(200)
    expect(headers['access-control-allow-origin']).toBeUndefined()
    expect(run.result.mutations).toContainEqual({
      op: 'response.clearHeader',
      name: 'Access-Control-Allow-Origin',
    })
  })

  it('leaves preflights to the upstream with preflight_continue, and adds nothing later', () => {
    const request = plugin.request(
      { preflight_continue: true },
      { method: 'OPTIONS', headers: { origin: 'http://site.test', 'access-control-request-method': 'GET' } },
    )
    const access = request.run('access')
    expect(access.status).toBe('ok')
    expect(access.result.mutations).toEqual([])
    const response = { status: 204, headers: {}, source: 'service' as const }
    expect(request.run('headerFilter', { delta: { response } }).result.mutations).toEqual([])
  })

  it('is not a preflight without Access-Control-Request-Method or with another method', () => {
    const states: Partial<RequestState>[] = [
      { method: 'OPTIONS', headers: { origin: 'http://site.test' } },
      { method: 'POST', headers: { origin: 'http://site.test', 'access-control-request-method': 'POST' } },
    ]
    for (const state of states) {
      const run = plugin.request({}, state).run('access')
      expect(run.status).toBe('ok')
      expect(run.result.exit).toBeUndefined()
    }
  })
})

describe('cors on actual requests', () => {
  it('allows every origin by default, also without an Origin header', () => {
    expect(actual({}, 'http://site.test')).toEqual({ 'access-control-allow-origin': '*' })
    expect(actual({}, null)).toEqual({ 'access-control-allow-origin': '*' })
    expect(actual({ allow_origin_absent: false }, null)).toEqual({})
  })

  it('sends a single plain origin as configured, whatever the request origin', () => {
    expect(actual({ origins: ['http://only.test'] }, 'http://else.test')).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': 'http://only.test',
    })
  })

  it('matches exact origins after dropping default ports', () => {
    const config = { origins: ['http://a.test:80', 'https://b.test'] }
    expect(actual(config, 'http://a.test')['access-control-allow-origin']).toBe('http://a.test')
    expect(actual(config, 'https://b.test:443')['access-control-allow-origin']).toBe('https://b.test')
    expect(actual(config, 'https://b.test:8443')['access-control-allow-origin']).toBeUndefined()
  })

  it('matches regexes against the host, or the whole origin when they contain `:`, anchored', () => {
    const byHost = { origins: ['(.*\\.)?example\\.com', 'http://x.test'] }
    expect(actual(byHost, 'https://api.example.com:8443')['access-control-allow-origin']).toBe(
      'https://api.example.com:8443',
    )
    expect(actual(byHost, 'http://example.com.evil.test')['access-control-allow-origin']).toBeUndefined()
    const byOrigin = { origins: ['^https://[a-z]+\\.test$', 'http://x.test'] }
    expect(actual(byOrigin, 'https://ok.test')['access-control-allow-origin']).toBe('https://ok.test')
    expect(actual(byOrigin, 'http://ok.test')['access-control-allow-origin']).toBeUndefined()
    expect(
      actual({ origins: ['http://x.test', '*'] }, 'http://any.test')['access-control-allow-origin'],
    ).toBe('*')
  })

  it('adds Vary to the upstream one, credentials and exposed headers', () => {
    const headers = actual(
      {
        origins: ['http://a.test', 'http://b.test'],
        credentials: true,
        exposed_headers: ['X-Total', 'X-Page'],
      },
      'http://b.test',
      { vary: 'Accept-Encoding', 'access-control-allow-origin': 'http://upstream.test' },
    )
    expect(headers).toEqual({
      vary: ['Accept-Encoding', 'Origin'],
      'access-control-allow-origin': 'http://b.test',
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'X-Total,X-Page',
    })
  })
})
