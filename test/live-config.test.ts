import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../host/echo/index.ts'
import { startTestGateway, type TestGateway } from './helpers/index.ts'

describe('a gateway configured through its Admin API', () => {
  let upstream: EchoServer
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway()
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  it('proxies with every Admin API change applied to the very next request', async () => {
    expect((await fetch(`${gw.proxyUrl}/live/x`)).status).toBe(404)

    const service = await gw.admin('POST', '/services', { name: 'live', url: `${upstream.url}/base` })
    expect(service.status).toBe(201)
    const route = await gw.admin('POST', '/services/live/routes', { name: 'live', paths: ['/live'] })
    expect(route.status).toBe(201)

    const first = await fetch(`${gw.proxyUrl}/live/x?q=1`)
    expect(first.status).toBe(200)
    expect(await first.json()).toMatchObject({ method: 'GET', path: '/base/x', query: 'q=1' })

    expect((await gw.admin('PATCH', '/routes/live', { paths: ['/moved'] })).status).toBe(200)
    expect((await fetch(`${gw.proxyUrl}/live/x`)).status).toBe(404)
    const moved = await fetch(`${gw.proxyUrl}/moved/y`)
    expect(await moved.json()).toMatchObject({ path: '/base/y' })

    expect((await gw.admin('PATCH', '/services/live', { path: '/other' })).status).toBe(200)
    expect(await (await fetch(`${gw.proxyUrl}/moved/y`)).json()).toMatchObject({ path: '/other/y' })

    expect((await gw.admin('DELETE', '/routes/live')).status).toBe(204)
    const gone = await fetch(`${gw.proxyUrl}/moved/y`)
    expect(gone.status).toBe(404)
    expect(await gone.json()).toEqual({ message: 'no Route matched with those values' })
  })

  it("routes each workspace's routes to that workspace's services", async () => {
    expect((await gw.admin('POST', '/workspaces', { name: 'tenant-a' })).status).toBe(201)
    expect(
      (await gw.admin('POST', '/tenant-a/services', { name: 'svc', url: `${upstream.url}/a` })).status,
    ).toBe(201)
    expect(
      (await gw.admin('POST', '/services', { name: 'svc', url: `${upstream.url}/default` })).status,
    ).toBe(201)
    expect((await gw.admin('POST', '/tenant-a/services/svc/routes', { hosts: ['a.test'] })).status).toBe(201)
    expect((await gw.admin('POST', '/services/svc/routes', { hosts: ['default.test'] })).status).toBe(201)

    // fetch() drops a Host header (forbidden by the Fetch spec): undici.request sends it.
    const a = await request(`${gw.proxyUrl}/p`, { headers: { host: 'a.test' } })
    expect(await a.body.json()).toMatchObject({ path: '/a/p' })
    const d = await request(`${gw.proxyUrl}/p`, { headers: { host: 'default.test' } })
    expect(await d.body.json()).toMatchObject({ path: '/default/p' })
  })

  it('reports counters, readiness and metrics on status_listen', async () => {
    const status = (await (await fetch(`${gw.statusUrl}/status`)).json()) as any
    expect(status.database).toEqual({ reachable: true })
    expect(status.server.total_requests).toBeGreaterThanOrEqual(6)
    expect(status.server).toHaveProperty('connections_active')

    const ready = await fetch(`${gw.statusUrl}/status/ready`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ message: 'ready' })

    const metrics = await (await fetch(`${gw.statusUrl}/metrics`)).text()
    expect(metrics).toMatch(/^isogate_nginx_requests_total \d+$/m)
    expect(metrics).toMatch(/^isogate_datastore_reachable 1$/m)
  })

  it('shows node info without secrets', async () => {
    const info = await gw.admin('GET', '/')
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({ tagline: 'Welcome to isogate', node_id: gw.gateway.nodeId })
    expect(info.body.configuration.database).toBe('sqlite')
  })
})
