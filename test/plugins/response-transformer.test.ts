import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoGateway, startEchoGateway } from './echo-gateway.ts'

describe('response-transformer through a gateway', () => {
  let env: EchoGateway
  beforeAll(async () => {
    env = await startEchoGateway()
    await env.routeWith('rs', 'response-transformer', {
      remove: { json: ['headers'] },
      rename: { json: ['method:verb'] },
      add: {
        headers: ['x-added:yes'],
        json: ['version:2', 'cached:false'],
        json_types: ['number', 'boolean'],
      },
      append: { headers: ['cache-control:no-store'] },
    })
  })
  afterAll(() => env?.stop())

  it('rewrites the response headers and the JSON body', async () => {
    const res = await request(`${env.gw.proxyUrl}/rs/x?a=1`)
    expect(res.statusCode).toBe(200)
    expect(res.headers).toMatchObject({ 'x-added': 'yes', 'cache-control': 'no-store' })
    expect(res.headers['content-length']).toBeUndefined()
    expect(await res.body.json()).toEqual({
      verb: 'GET',
      path: '/x',
      query: 'a=1',
      body: '',
      version: 2,
      cached: false,
    })
  })

  it('transforms error answers of the upstream too', async () => {
    const res = await request(`${env.gw.proxyUrl}/rs/x`, { headers: { 'x-echo-status': '404' } })
    expect(res.statusCode).toBe(404)
    expect(await res.body.json()).toMatchObject({ version: 2 })
  })
})
