import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { startTestAdmin, type TestAdmin } from './test-server.ts'

const started: TestAdmin[] = []
const start = async (...args: Parameters<typeof startTestAdmin>) => {
  const admin = await startTestAdmin(...args)
  started.push(admin)
  return admin
}
afterEach(async () => {
  for (const admin of started.splice(0)) await admin.close()
})

const unsupported = (message: string) => ({
  status: 405,
  body: { code: 12, name: 'operation unsupported', message },
})

describe('DB-less (readOnly)', () => {
  it("reads, and answers every write as Kong's off strategy does", async () => {
    const admin = await start({ readOnly: true })
    const ws = (await admin.entities.workspaceByName('default'))!
    const seeded = await admin.entities.services.insert(ws.id, { name: 'seeded', host: 'seeded.local' })

    expect((await admin.call('GET', '/services/seeded')).body.id).toBe(seeded.id)
    expect(await admin.call('POST', '/services', { name: 'new', host: 'new.local' })).toMatchObject(
      unsupported("cannot create 'services' entities when not using a database"),
    )
    expect(await admin.call('PUT', '/services/new', { host: 'new.local' })).toMatchObject(
      unsupported("cannot create or update 'services' entities by 'name' when not using a database"),
    )
    expect(await admin.call('PATCH', `/services/${seeded.id}`, { retries: 1 })).toMatchObject(
      unsupported("cannot update 'services' entities when not using a database"),
    )
    expect(await admin.call('DELETE', '/services/seeded')).toMatchObject(
      unsupported("cannot remove 'services' entities by 'name' when not using a database"),
    )
    expect((await admin.call('PATCH', '/services/missing', { retries: 1 })).status).toBe(404)
    expect((await admin.call('DELETE', '/services/missing')).status).toBe(204)

    const listed = await admin.call('GET', '/services')
    expect(listed.body.data).toHaveLength(1)
    expect(listed.body.data[0]).toMatchObject({ id: seeded.id, retries: 5 })
  })
})

describe('admin token', () => {
  it('answers 401 without the right bearer token, on every path', async () => {
    const admin = await start({ adminToken: 'open-sesame' })
    expect(await admin.call('GET', '/services')).toMatchObject({
      status: 401,
      body: { message: 'Unauthorized' },
    })
    expect((await admin.call('GET', '/nothing-here')).status).toBe(401)
    expect(
      (await admin.call('GET', '/services', undefined, { authorization: 'Bearer open-sesamE' })).status,
    ).toBe(401)
    expect(
      (await admin.call('GET', '/services', undefined, { authorization: 'Basic open-sesame' })).status,
    ).toBe(401)
    const ok = await admin.call('GET', '/services', undefined, { authorization: 'Bearer open-sesame' })
    expect(ok.status).toBe(200)
  })
})

describe('afterWrite', () => {
  it('is awaited after each committed write, before the answer, and only then', async () => {
    const events: string[] = []
    const admin = await start({
      async afterWrite() {
        await sleep(20)
        events.push('published')
      },
    })
    const created = await admin.call('POST', '/services', { name: 'watched', host: 'w.local' })
    events.push(`answered ${created.status}`)
    await admin.call('PATCH', '/services/watched', { retries: 1 })
    events.push('answered patch')
    await admin.call('POST', '/services', { name: 'watched', host: 'w.local' })
    events.push('answered conflict')
    await admin.call('GET', '/services')
    await admin.call('DELETE', '/services/never-existed')
    events.push('answered no-op delete')
    await admin.call('DELETE', '/services/watched')
    events.push('answered delete')
    expect(events).toEqual([
      'published',
      'answered 201',
      'published',
      'answered patch',
      'answered conflict',
      'answered no-op delete',
      'published',
      'answered delete',
    ])
  })
})

describe('node endpoints', () => {
  it('GET / shows node info, plugins and a redacted configuration', async () => {
    const admin = await start()
    await admin.call('POST', '/plugins', { name: 'key-auth' })
    const info = await admin.call('GET', '/')
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({
      tagline: 'Welcome to isogate',
      version: '0.1.0',
      hostname: 'test-host',
      node_id: '6f1c5a4e-0000-4000-8000-000000000001',
      plugins: {
        available_on_server: { 'key-auth': { version: '1.0.0', priority: 1250 } },
        enabled_in_cluster: ['key-auth'],
      },
      configuration: { database: 'sqlite', admin_token: '******', pg_password: '', log_level: 'notice' },
    })
    expect((await admin.call('GET', '/status')).body).toMatchObject({ database: { reachable: true } })
    expect((await admin.call('GET', '/plugins/enabled')).body).toEqual({
      enabled_plugins: ['key-auth', 'rate-limiting'],
    })
    const endpoints = (await admin.call('GET', '/endpoints')).body.data
    expect(endpoints).toEqual(
      expect.arrayContaining(['/', '/services/{services}/routes/{routes}', '/routes/{routes}/service']),
    )
  })

  it('serves schemas and validates without writing', async () => {
    const admin = await start()
    const services = await admin.call('GET', '/schemas/services')
    expect(services.status).toBe(200)
    expect(services.body.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ host: expect.any(Object) })]),
    )
    expect(await admin.call('GET', '/schemas/nope')).toMatchObject({
      status: 404,
      body: { message: "No entity named 'nope'" },
    })
    expect((await admin.call('GET', '/schemas/plugins/key-auth')).body.json_schema).toMatchObject({
      type: 'object',
    })
    expect((await admin.call('GET', '/schemas/plugins/nope')).body).toEqual({
      message: "No plugin named 'nope'",
    })

    const valid = await admin.call('POST', '/schemas/services/validate', { name: 'checked', host: 'c.local' })
    expect(valid).toMatchObject({ status: 200, body: { message: 'schema validation successful' } })
    expect((await admin.call('GET', '/services/checked')).status).toBe(404)
    const invalid = await admin.call('POST', '/schemas/plugins/validate', {
      name: 'rate-limiting',
      config: { minute: 'x' },
    })
    expect(invalid.status).toBe(400)
    expect(invalid.body.code).toBe(2)
  })

  it('answers unknown paths 404, wrong methods 405, failures 500 (logged)', async () => {
    const logged: object[] = []
    const admin = await start({
      status: async () => {
        throw new Error('status source broke')
      },
      logger: { error: (obj) => logged.push(obj) },
    })
    expect(await admin.call('GET', '/services/x/nothing')).toMatchObject({
      status: 404,
      body: { message: 'Not found' },
    })
    expect(await admin.call('DELETE', '/services')).toMatchObject({
      status: 405,
      body: { message: 'Method not allowed' },
    })
    expect(await admin.call('POST', '/status', {})).toMatchObject({ status: 405 })
    expect(await admin.call('GET', '/status')).toMatchObject({
      status: 500,
      body: { message: 'An unexpected error occurred' },
    })
    expect(logged).toHaveLength(1)
  })
})
