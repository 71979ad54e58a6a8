import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Echoed, type EchoGateway, startEchoGateway } from './echo-gateway.ts'

describe('correlation-id through a gateway', () => {
  let env: EchoGateway
  beforeAll(async () => {
    env = await startEchoGateway()
    await env.routeWith('counted', 'correlation-id', { echo_downstream: true })
    await env.routeWith('quiet', 'correlation-id', { header_name: 'X-Trace', generator: 'uuid' })
  })
  afterAll(() => env?.stop())

  it('sends a generated ID upstream and echoes the same one downstream', async () => {
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      const res = await request(`${env.gw.proxyUrl}/counted/a`)
      const echoed = (await res.body.json()) as Echoed
      expect(res.statusCode).toBe(200)
      expect(res.headers['kong-request-id']).toBe(echoed.headers['kong-request-id'])
      ids.push(String(res.headers['kong-request-id']))
    }
    const [prefix, first] = (ids[0] ?? '').split('#')
    expect(ids[1]).toBe(`${prefix}#${Number(first) + 1}`)
  })

  it("keeps the client's ID", async () => {
    const res = await request(`${env.gw.proxyUrl}/counted/a`, { headers: { 'kong-request-id': 'mine' } })
    expect(res.headers['kong-request-id']).toBe('mine')
    expect(((await res.body.json()) as Echoed).headers['kong-request-id']).toBe('mine')
  })

  it('does not echo downstream unless asked', async () => {
    const res = await request(`${env.gw.proxyUrl}/quiet/a`)
    const echoed = (await res.body.json()) as Echoed
    expect(echoed.headers['x-trace']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(res.headers['x-trace']).toBeUndefined()
  })
})
