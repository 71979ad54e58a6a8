import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPlugin, type PluginUnderTest } from '../test-harness.ts'

let plugin: PluginUnderTest
beforeAll(async () => {
  plugin = await loadPlugin('request-termination')
})
afterAll(() => plugin?.dispose())

const errorsOf = (config: Record<string, unknown>) => {
  const result = plugin.validate(config)
  return result.ok ? null : result.errors
}

describe('request-termination configuration', () => {
  it("fills Kong's defaults and checks the status range and trigger name", () => {
    expect(plugin.validate({})).toEqual({ ok: true, config: { status_code: 503, echo: false } })
    expect(errorsOf({ status_code: 600, trigger: 'bad name' })).toEqual({
      status_code: 'value should be between 100 and 599',
      trigger: 'invalid value: bad name',
    })
  })

  it("refuses the combinations Kong's schema refuses", () => {
    expect(errorsOf({ message: 'm', body: 'b' })).toHaveProperty('body')
    expect(errorsOf({ message: 'm', content_type: 'text/plain', body: 'b' })).toHaveProperty('content_type')
    expect(errorsOf({ content_type: 'text/plain' })).toEqual({ body: 'required field missing' })
    expect(errorsOf({ echo: true, body: 'b' })).toHaveProperty('body')
    // Empty strings are "not present" for Kong.
    expect(plugin.validate({ message: 'm', body: '' }).ok).toBe(true)
    expect(plugin.validate({ body: '<h1>down</h1>', content_type: 'text/html' }).ok).toBe(true)
  })
})

describe('request-termination answers', () => {
  it("answers 503 with Kong's default message", () => {
    const run = plugin.request({}).run('access')
    expect(run.status).toBe('exit')
    expect(run.result.exit).toEqual({
      status: 503,
      body: '{"message":"Service unavailable"}',
      base64: false,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    })
  })

  it('uses the configured status and message; no body for statuses without a default message', () => {
    expect(plugin.request({ status_code: 403, message: 'Go away' }).run('access').result.exit).toMatchObject({
      status: 403,
      body: '{"message":"Go away"}',
    })
    expect(plugin.request({ status_code: 404 }).run('access').result.exit?.body).toBe(
      '{"message":"Not found"}',
    )
    expect(plugin.request({ status_code: 418 }).run('access').result.exit).toEqual({
      status: 418,
      body: null,
      base64: false,
      headers: {},
    })
  })

  it('sends a raw body with its content type', () => {
    const exit = plugin
      .request({ status_code: 200, body: '<h1>down</h1>', content_type: 'text/html' })
      .run('access').result.exit
    expect(exit).toEqual({
      status: 200,
      body: '<h1>down</h1>',
      base64: false,
      headers: { 'Content-Type': 'text/html' },
    })
  })

  it('with a trigger, answers only requests carrying it as a header or query argument', () => {
    const config = { trigger: 'X-Debug', status_code: 418, message: 'caught' }
    expect(plugin.request(config).run('access').status).toBe('ok')
    expect(plugin.request(config, { headers: { 'x-debug': '1' } }).run('access').result.exit?.status).toBe(
      418,
    )
    expect(plugin.request(config, { rawQuery: 'X-Debug' }).run('access').result.exit?.status).toBe(418)
    expect(plugin.request(config, { rawQuery: 'x-debug=1' }).run('access').status).toBe('ok')
  })

  it('echoes the request back', () => {
    const run = plugin
      .request(
        { echo: true, status_code: 200 },
        {
          method: 'POST',
          rawQuery: 'a=1&a=2&flag',
          headers: { host: 'example.com', 'content-type': 'application/json' },
          rawBody: '{"x":1}',
        },
      )
      .run('access')
    expect(run.status).toBe('exit')
    expect(run.result.exit?.status).toBe(200)
    expect(JSON.parse(run.result.exit?.body ?? '')).toEqual({
      kong: { node_id: 'node-1', hostname: 'test-host' },
      request: {
        scheme: 'http',
        host: 'example.com',
        port: 8000,
        headers: { host: 'example.com', 'content-type': 'application/json' },
        query: { a: ['1', '2'], flag: true },
        body: { x: 1 },
        raw_body: '{"x":1}',
        method: 'POST',
        path: '/v1/movies',
        uri_captures: { unnamed: [], named: {} },
      },
      matched_route: expect.objectContaining({ id: 'route-1', name: 'movies' }),
      matched_service: expect.objectContaining({ id: 'service-1', host: 'upstream.local' }),
    })
  })
})
