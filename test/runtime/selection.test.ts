import { afterAll, beforeAll, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

let upstream: EchoServer
let gw: TestGateway
beforeAll(async () => {
  upstream = await startEchoServer()
  gw = await startTestGateway({ plugins: 'authenticator,scoped', plugin_paths: FIXTURE_PLUGINS })
})
afterAll(async () => {
  await gw?.stop()
  await upstream?.close()
})

it("picks the most specific instance of Kong's eight scopes, re-selecting after authentication", async () => {
  const created = async (path: string, body: unknown) => {
    const answer = await gw.admin('POST', path, body)
    expect(answer.status, JSON.stringify(answer.body)).toBe(201)
    return answer.body as { id: string }
  }
  const service = await created('/services', { name: 's', url: upstream.url })
  const route = await created('/services/s/routes', { name: 'r', paths: ['/sel'] })
  const consumer = await created('/consumers', { username: 'c' })
  await created('/plugins', { name: 'authenticator' })
  const scopes: [string, Record<string, unknown>][] = [
    [
      'route+service+consumer',
      { route: { id: route.id }, service: { id: service.id }, consumer: { id: consumer.id } },
    ],
    ['route+consumer', { route: { id: route.id }, consumer: { id: consumer.id } }],
    ['service+consumer', { service: { id: service.id }, consumer: { id: consumer.id } }],
    ['route+service', { route: { id: route.id }, service: { id: service.id } }],
    ['consumer', { consumer: { id: consumer.id } }],
    ['route', { route: { id: route.id } }],
    ['service', { service: { id: service.id } }],
    ['global', {}],
  ]
  const ids: string[] = []
  for (const [label, scope] of scopes)
    ids.push((await created('/plugins', { name: 'scoped', config: { label }, ...scope })).id)

  const scopeSeen = async (withConsumer: boolean) => {
    const answer = await fetch(`${gw.proxyUrl}/sel`, {
      headers: withConsumer ? { 'x-consumer-id': consumer.id } : {},
    })
    return ((await answer.json()) as { headers: Record<string, string> }).headers['x-scope']
  }
  // Most specific first; each delete exposes the next level.
  for (const [i, [label]] of scopes.entries()) {
    expect(await scopeSeen(true), `with the consumer, level ${i + 1}`).toBe(label)
    if (i < scopes.length - 1) expect((await gw.admin('DELETE', `/plugins/${ids[i]}`)).status).toBe(204)
  }
})

it('uses no consumer-scoped instance for anonymous requests', async () => {
  const consumer = (await gw.admin('POST', '/consumers', { username: 'only' })).body as { id: string }
  expect((await gw.admin('POST', '/services', { name: 'anon', url: upstream.url })).status).toBe(201)
  expect(
    (await gw.admin('POST', '/services/anon/routes', { name: 'anon-route', paths: ['/anon'] })).status,
  ).toBe(201)
  expect(
    (
      await gw.admin('POST', '/plugins', {
        name: 'scoped',
        config: { label: 'for-consumer' },
        consumer: { id: consumer.id },
        route: { name: 'anon-route' },
      })
    ).status,
  ).toBe(201)
  const anonymous = await fetch(`${gw.proxyUrl}/anon`)
  expect(((await anonymous.json()) as { headers: Record<string, string> }).headers['x-scope']).toBe('global')
  const known = await fetch(`${gw.proxyUrl}/anon`, { headers: { 'x-consumer-id': consumer.id } })
  expect(((await known.json()) as { headers: Record<string, string> }).headers['x-scope']).toBe(
    'for-consumer',
  )
})
