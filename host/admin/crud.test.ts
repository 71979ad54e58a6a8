import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestAdmin, type TestAdmin } from './test-server.ts'

let admin: TestAdmin
beforeAll(async () => {
  admin = await startTestAdmin()
})
afterAll(() => admin.close())

describe('services', () => {
  it('creates from the url shorthand, reads by id and name, patches, deletes', async () => {
    const created = await admin.call('POST', '/services', {
      name: 'billing',
      url: 'https://billing.local:8443/v1',
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({
      name: 'billing',
      protocol: 'https',
      host: 'billing.local',
      port: 8443,
      path: '/v1',
      retries: 5,
      connect_timeout: 60000,
    })
    const { id } = created.body
    expect((await admin.call('GET', `/services/${id}`)).body.name).toBe('billing')
    expect((await admin.call('GET', '/services/billing')).body.id).toBe(id)

    const patched = await admin.call('PATCH', '/services/billing', { retries: 2 })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ id, retries: 2, host: 'billing.local' })

    expect((await admin.call('DELETE', '/services/billing')).status).toBe(204)
    expect(await admin.call('GET', `/services/${id}`)).toMatchObject({
      status: 404,
      body: { message: 'Not found' },
    })
    // Kong answers 204 when there was nothing to delete too.
    expect((await admin.call('DELETE', '/services/billing')).status).toBe(204)
  })

  it('PUT creates then replaces, by name and by id', async () => {
    const byName = await admin.call('PUT', '/services/orders', { host: 'orders.local', retries: 1 })
    expect(byName.status).toBe(200)
    expect(byName.body).toMatchObject({ name: 'orders', host: 'orders.local', retries: 1 })

    // A replace: what is not given goes back to its default.
    const replaced = await admin.call('PUT', '/services/orders', { host: 'orders2.local' })
    expect(replaced.body).toMatchObject({ id: byName.body.id, host: 'orders2.local', retries: 5 })

    const id = '0b8f2d6e-5a4b-4c1d-9e2f-3a4b5c6d7e8f'
    const byId = await admin.call('PUT', `/services/${id}`, { name: 'by-id', host: 'id.local' })
    expect(byId).toMatchObject({ status: 200, body: { id, name: 'by-id' } })
    expect((await admin.call('GET', `/services/${id}`)).body.host).toBe('id.local')
  })

  it('answers 404 for PATCH of nothing and 400 (nothing written) for unknown fields', async () => {
    const missing = await admin.call('PATCH', '/services/nope', { retries: 1 })
    expect(missing.status).toBe(404)
    expect(missing.body.code).toBe(6)

    const unknown = await admin.call('POST', '/services', { name: 'strange', host: 'x.local', colour: 'red' })
    expect(unknown.status).toBe(400)
    expect(unknown.body).toMatchObject({
      code: 2,
      name: 'schema violation',
      fields: { colour: 'unknown field' },
    })
    expect((await admin.call('GET', '/services/strange')).status).toBe(404)
  })

  it('answers validation errors for an empty body', async () => {
    const empty = await admin.call('POST', '/services')
    expect(empty.status).toBe(400)
    expect(empty.body).toMatchObject({ code: 2, fields: { host: 'required field missing' } })
  })

  it('answers 409 on a unique violation', async () => {
    expect((await admin.call('POST', '/services', { name: 'twice', host: 'a.local' })).status).toBe(201)
    const again = await admin.call('POST', '/services', { name: 'twice', host: 'b.local' })
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({
      code: 5,
      name: 'unique constraint violation',
      fields: { name: 'twice' },
    })
  })
})

describe('routes, consumers and plugins', () => {
  it('creates a route for a service and refuses one pointing nowhere (400, code 4)', async () => {
    const service = (await admin.call('POST', '/services', { name: 'r-svc', host: 'r.local' })).body
    const route = await admin.call('POST', '/routes', {
      name: 'r1',
      paths: ['/r'],
      service: { id: service.id },
    })
    expect(route.status).toBe(201)
    expect(route.body).toMatchObject({ paths: ['/r'], strip_path: true, service: { id: service.id } })

    const dangling = await admin.call('POST', '/routes', {
      paths: ['/x'],
      service: { id: '7d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a' },
    })
    expect(dangling.status).toBe(400)
    expect(dangling.body.code).toBe(4)
    expect(dangling.body.fields).toHaveProperty('service')
  })

  it('creates consumers and reads them by username', async () => {
    const consumer = await admin.call('POST', '/consumers', { username: 'alice', custom_id: 'a-1' })
    expect(consumer.status).toBe(201)
    expect((await admin.call('GET', '/consumers/alice')).body).toMatchObject({
      id: consumer.body.id,
      custom_id: 'a-1',
    })
  })

  it('creates a plugin with config defaults and merges config on PATCH', async () => {
    const plugin = await admin.call('POST', '/plugins', { name: 'rate-limiting', config: { minute: 5 } })
    expect(plugin.status).toBe(201)
    expect(plugin.body).toMatchObject({
      name: 'rate-limiting',
      enabled: true,
      config: { minute: 5, policy: 'local' },
    })

    const patched = await admin.call('PATCH', `/plugins/${plugin.body.id}`, { config: { policy: 'cluster' } })
    expect(patched.status).toBe(200)
    expect(patched.body.config).toEqual({ minute: 5, policy: 'cluster' })

    const bad = await admin.call('POST', '/plugins', { name: 'rate-limiting', config: { minute: 'lots' } })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe(2)
  })
})
