import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/**
 * Routes, services and call plans travel to an isolate once and by id afterwards
 * (host/chain/isolate-holdings.ts, runtime/prelude/held.isolate.ts): requests alternating between
 * routes each see their own, and a configuration change reaches the very next request.
 */
describe.each(['plugin', 'workspace'] as const)('entities an isolate holds (isolation = %s)', (isolation) => {
  let upstream: EchoServer
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway({ plugins: 'pdk-probe', plugin_paths: FIXTURE_PLUGINS, isolation })
    for (const name of ['a', 'b']) {
      expect((await gw.admin('POST', '/services', { name: `svc-${name}`, url: upstream.url })).status).toBe(
        201,
      )
      const route = await gw.admin('POST', `/services/svc-${name}/routes`, {
        name: `route-${name}`,
        paths: [`/${name}`],
      })
      expect(route.status).toBe(201)
    }
    expect((await gw.admin('POST', '/plugins', { name: 'pdk-probe' })).status).toBe(201)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  async function probe(path: string): Promise<{ route: string; service: string }> {
    const answer = await request(`${gw.proxyUrl}${path}`)
    expect(answer.statusCode).toBe(200)
    const echoed = (await answer.body.json()) as { headers: Record<string, string> }
    return JSON.parse(echoed.headers['x-probe'] as string)
  }

  it('gives each request its own route and service while requests alternate between them', async () => {
    for (let i = 0; i < 6; i++) {
      const name = i % 2 === 0 ? 'a' : 'b'
      expect(await probe(`/${name}`)).toMatchObject({ route: `route-${name}`, service: `svc-${name}` })
    }
  })

  it('shows a renamed route and service on the next request', async () => {
    expect(await probe('/a')).toMatchObject({ route: 'route-a', service: 'svc-a' })
    expect((await gw.admin('PATCH', '/routes/route-a', { name: 'route-a2' })).status).toBe(200)
    expect(await probe('/a')).toMatchObject({ route: 'route-a2', service: 'svc-a' })
    expect((await gw.admin('PATCH', '/services/svc-b', { name: 'svc-b2' })).status).toBe(200)
    expect(await probe('/b')).toMatchObject({ route: 'route-b', service: 'svc-b2' })
    expect(await probe('/a')).toMatchObject({ route: 'route-a2', service: 'svc-a' })
  })
})
