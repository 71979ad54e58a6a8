import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Echoed, type EchoGateway, startEchoGateway } from './echo-gateway.ts'

describe('request-termination through a gateway', () => {
  let env: EchoGateway
  beforeAll(async () => {
    env = await startEchoGateway()
    await env.routeWith('down', 'request-termination', {})
    await env.routeWith('teapot', 'request-termination', {
      status_code: 418,
      body: 'short and stout',
      content_type: 'text/plain',
    })
    await env.routeWith('debug', 'request-termination', { echo: true, trigger: 'X-Debug', status_code: 200 })
  })
  afterAll(() => env?.stop())

  it("answers 503 with Kong's message and never reaches the upstream", async () => {
    const res = await request(`${env.gw.proxyUrl}/down/x`)
    expect(res.statusCode).toBe(503)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(await res.body.json()).toEqual({ message: 'Service unavailable' })
  })

  it('sends the configured raw body and content type', async () => {
    const res = await request(`${env.gw.proxyUrl}/teapot/x`)
    expect(res.statusCode).toBe(418)
    expect(res.headers['content-type']).toBe('text/plain')
    expect(await res.body.text()).toBe('short and stout')
  })

  it('with a trigger, echoes triggered requests and proxies the others', async () => {
    const triggered = await request(`${env.gw.proxyUrl}/debug/x?X-Debug`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    })
    expect(triggered.statusCode).toBe(200)
    expect(await triggered.body.json()).toMatchObject({
      request: {
        method: 'POST',
        path: '/debug/x',
        body: { a: 1 },
        raw_body: '{"a":1}',
        query: { 'X-Debug': true },
      },
      matched_route: { name: 'debug' },
      matched_service: { name: 'echo' },
    })
    const plain = await request(`${env.gw.proxyUrl}/debug/x`)
    expect(((await plain.body.json()) as Echoed).path).toBe('/x')
  })
})
