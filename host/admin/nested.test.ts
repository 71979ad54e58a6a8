import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestAdmin, type TestAdmin } from './test-server.ts'

let admin: TestAdmin
beforeAll(async () => {
  admin = await startTestAdmin()
})
afterAll(() => admin.close())

const service = async (name: string) =>
  (await admin.call('POST', '/services', { name, host: `${name}.local` })).body

describe('nested collections and items', () => {
  it('creates and lists routes under their service, the foreign key taken from the URL', async () => {
    const a = await service('nest-a')
    const b = await service('nest-b')
    const created = await admin.call('POST', '/services/nest-a/routes', { name: 'a-route', paths: ['/a'] })
    expect(created.status).toBe(201)
    expect(created.body.service).toEqual({ id: a.id })
    await admin.call('POST', `/services/${b.id}/routes`, { name: 'b-route', paths: ['/b'] })

    const listed = await admin.call('GET', '/services/nest-a/routes')
    expect(listed.status).toBe(200)
    expect(listed.body.data.map((route: { name: string }) => route.name)).toEqual(['a-route'])
    expect(listed.body.next).toBeNull()

    expect((await admin.call('GET', '/services/nest-a/routes/a-route')).body.id).toBe(created.body.id)
    // A child of another parent is not found through this one, for every method.
    expect((await admin.call('GET', '/services/nest-b/routes/a-route')).status).toBe(404)
    expect((await admin.call('PATCH', '/services/nest-b/routes/a-route', { paths: ['/z'] })).status).toBe(404)
    expect((await admin.call('DELETE', '/services/nest-b/routes/a-route')).status).toBe(404)
    expect((await admin.call('GET', '/services/missing/routes')).status).toBe(404)

    const patched = await admin.call('PATCH', '/services/nest-a/routes/a-route', { paths: ['/a2'] })
    expect(patched.body).toMatchObject({ paths: ['/a2'], service: { id: a.id } })
    expect((await admin.call('DELETE', '/services/nest-a/routes/a-route')).status).toBe(204)
    expect((await admin.call('GET', `/routes/${created.body.id}`)).status).toBe(404)
  })

  it('reaches a route’s service through /routes/{r}/service with Kong’s rules', async () => {
    const svc = await service('owner')
    const route = (
      await admin.call('POST', '/routes', { name: 'owned', paths: ['/o'], service: { id: svc.id } })
    ).body
    expect((await admin.call('GET', '/routes/owned/service')).body.id).toBe(svc.id)
    const patched = await admin.call('PATCH', '/routes/owned/service', { retries: 9 })
    expect(patched.body).toMatchObject({ id: svc.id, retries: 9 })
    expect(await admin.call('DELETE', '/routes/owned/service')).toMatchObject({
      status: 405,
      body: { message: 'Method not allowed' },
    })

    const lonely = (await admin.call('POST', '/routes', { name: 'lonely', paths: ['/l'] })).body
    expect((await admin.call('GET', '/routes/lonely/service')).status).toBe(404)
    // PUT on an empty foreign key creates the service and points the route at it.
    const created = await admin.call('PUT', '/routes/lonely/service', {
      name: 'adopted',
      host: 'adopted.local',
    })
    expect(created.status).toBe(200)
    expect((await admin.call('GET', `/routes/${lonely.id}`)).body.service).toEqual({ id: created.body.id })
    expect(route.service).toEqual({ id: svc.id })
  })

  it('scopes plugins to services, routes and consumers', async () => {
    const svc = await service('plugged')
    await admin.call('POST', '/services/plugged/routes', { name: 'plugged-route', paths: ['/p'] })
    await admin.call('POST', '/consumers', { username: 'bob' })
    const onService = await admin.call('POST', '/services/plugged/plugins', { name: 'key-auth' })
    expect(onService.status).toBe(201)
    expect(onService.body.service).toEqual({ id: svc.id })
    const onRoute = await admin.call('POST', '/routes/plugged-route/plugins', {
      name: 'rate-limiting',
      config: { minute: 1 },
    })
    expect(onRoute.body.route).toMatchObject({ id: expect.any(String) })
    const onConsumer = await admin.call('POST', '/consumers/bob/plugins', {
      name: 'rate-limiting',
      config: { minute: 2 },
    })
    expect(onConsumer.status).toBe(201)

    const names = async (path: string) =>
      (await admin.call('GET', path)).body.data.map((p: { id: string }) => p.id)
    expect(await names('/services/plugged/plugins')).toEqual([onService.body.id])
    expect(await names('/routes/plugged-route/plugins')).toEqual([onRoute.body.id])
    expect(await names('/consumers/bob/plugins')).toEqual([onConsumer.body.id])
    expect((await admin.call('GET', `/plugins/${onService.body.id}/service`)).body.id).toBe(svc.id)
    expect((await admin.call('GET', `/plugins/${onService.body.id}/route`)).status).toBe(404)
  })
})

describe('delete rules', () => {
  it('refuses to delete a service that routes use, and cascades to its plugins', async () => {
    const svc = await service('restricted')
    const route = (await admin.call('POST', '/services/restricted/routes', { paths: ['/r'] })).body
    const refused = await admin.call('DELETE', '/services/restricted')
    expect(refused.status).toBe(400)
    expect(refused.body.code).toBe(4)
    expect((await admin.call('GET', `/services/${svc.id}`)).status).toBe(200)

    const plugin = (await admin.call('POST', '/services/restricted/plugins', { name: 'key-auth' })).body
    expect((await admin.call('DELETE', `/routes/${route.id}`)).status).toBe(204)
    expect((await admin.call('DELETE', '/services/restricted')).status).toBe(204)
    expect((await admin.call('GET', `/plugins/${plugin.id}`)).status).toBe(404)
  })
})
