import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Echoed, type EchoGateway, startEchoGateway } from './echo-gateway.ts'

describe('request-transformer through a gateway', () => {
  let env: EchoGateway
  beforeAll(async () => {
    env = await startEchoGateway()
    await env.routeWith('rt', 'request-transformer', {
      remove: { headers: ['x-secret'], querystring: ['debug'], body: ['password'] },
      rename: { headers: ['x-old:x-new'], body: ['user:username'] },
      replace: { querystring: ['page:1'] },
      add: {
        headers: ['x-from:$(headers.x_client or "anonymous")'],
        querystring: ['v:2'],
        body: ['source:gw'],
      },
      append: { headers: ['x-list:two'] },
    })
    await env.routeWith('to-get', 'request-transformer', { http_method: 'GET', replace: { uri: '/search' } })
  })
  afterAll(() => env?.stop())

  it('rewrites headers, query string and a JSON body before proxying', async () => {
    const res = await request(`${env.gw.proxyUrl}/rt/x?debug=1&page=5`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-secret': 's',
        'x-old': 'o',
        'x-list': 'one',
        'x-client': 'c-1',
      },
      body: JSON.stringify({ user: 'ann', password: 'p', keep: true }),
    })
    expect(res.statusCode).toBe(200)
    const echoed = (await res.body.json()) as Echoed
    expect(echoed.headers).toMatchObject({ 'x-new': 'o', 'x-from': 'c-1', 'x-list': 'one, two' })
    expect(echoed.headers['x-secret']).toBeUndefined()
    expect(echoed.headers['x-old']).toBeUndefined()
    expect(echoed.query).toBe('page=1&v=2')
    expect(JSON.parse(echoed.body)).toEqual({ username: 'ann', keep: true, source: 'gw' })
    expect(echoed.headers['content-length']).toBe(String(Buffer.byteLength(echoed.body)))
  })

  it('changes the method and path, carrying a form body into the query string', async () => {
    const res = await request(`${env.gw.proxyUrl}/to-get/x?q=a`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'q=b&lang=en',
    })
    const echoed = (await res.body.json()) as Echoed
    expect(echoed).toMatchObject({ method: 'GET', path: '/search', query: 'lang=en&q=a&q=b' })
  })
})
