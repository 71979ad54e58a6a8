import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Echoed, type EchoGateway, startEchoGateway } from './echo-gateway.ts'

describe('cors through a gateway', () => {
  let env: EchoGateway
  beforeAll(async () => {
    env = await startEchoGateway()
    await env.routeWith('strict', 'cors', {
      origins: ['http://a.test', '(.*\\.)?b\\.test'],
      methods: ['GET', 'POST'],
      headers: ['X-Custom'],
      exposed_headers: ['X-Total'],
      credentials: true,
      max_age: 600,
    })
    await env.routeWith('passthrough', 'cors', { preflight_continue: true })
  })
  afterAll(() => env?.stop())

  it('answers a preflight itself with 200 and the CORS headers', async () => {
    const res = await request(`${env.gw.proxyUrl}/strict/items`, {
      method: 'OPTIONS',
      headers: { origin: 'https://api.b.test', 'access-control-request-method': 'POST' },
    })
    expect(res.statusCode).toBe(200)
    expect(await res.body.text()).toBe('')
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': 'https://api.b.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'X-Custom',
      'access-control-max-age': '600',
      vary: 'Origin',
    })
  })

  it('adds the CORS headers to proxied responses of allowed origins only', async () => {
    const allowed = await request(`${env.gw.proxyUrl}/strict/items`, { headers: { origin: 'http://a.test' } })
    expect(allowed.statusCode).toBe(200)
    await allowed.body.text()
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': 'http://a.test',
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'X-Total',
    })
    const refused = await request(`${env.gw.proxyUrl}/strict/items`, {
      headers: { origin: 'http://evil.test' },
    })
    await refused.body.text()
    expect(refused.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('proxies preflights with preflight_continue', async () => {
    const res = await request(`${env.gw.proxyUrl}/passthrough/items`, {
      method: 'OPTIONS',
      headers: { origin: 'http://a.test', 'access-control-request-method': 'GET' },
    })
    expect(res.statusCode).toBe(200)
    expect(((await res.body.json()) as Echoed).method).toBe('OPTIONS')
    expect(res.headers['access-control-allow-origin']).toBeUndefined()
  })
})
