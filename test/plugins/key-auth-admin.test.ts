import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AuthGateway, startAuthGateway } from './auth-helpers.ts'

const HEX_KEY = /^[0-9a-f]{32}$/

/** key-auth's credentials through the Admin API endpoints generated from its daos.ts, and its config. */
describe('key-auth Admin API', () => {
  let env: AuthGateway
  let bob: { id: string }
  let alice: { id: string }
  const admin = (method: string, path: string, body?: unknown) => env.gw.admin(method, path, body)

  beforeAll(async () => {
    env = await startAuthGateway('key-auth', 'plugin')
    bob = await env.create('/consumers', { username: 'bob' })
    alice = await env.create('/consumers', { username: 'alice' })
    await env.route('guarded', { 'key-auth': {} })
  })
  afterAll(() => env?.stop())

  it('creates credentials under /consumers/{c}/key-auth, generating a 32-hex key when none is given', async () => {
    const generated = await admin('POST', '/consumers/bob/key-auth', {})
    expect(generated.status).toBe(201)
    expect(generated.body).toMatchObject({ consumer: { id: bob.id }, tags: null })
    expect(generated.body.key).toMatch(HEX_KEY)
    expect(typeof generated.body.created_at).toBe('number')
    expect(generated.body.ttl).toBeUndefined()
    const another = await admin('POST', `/consumers/${bob.id}/key-auth`, { tags: ['mobile'] })
    expect(another.body.key).toMatch(HEX_KEY)
    expect(another.body.key).not.toBe(generated.body.key)
    expect(another.body.tags).toEqual(['mobile'])
    const given = await admin('POST', '/consumers/bob/key-auth', { key: '1234' })
    expect(given).toMatchObject({ status: 201, body: { key: '1234', consumer: { id: bob.id } } })
    // A generated key authenticates like any other.
    const seen = await env.send('/guarded', { headers: { apikey: generated.body.key } })
    expect(seen.body.headers['x-credential-identifier']).toBe(generated.body.id)
  })

  it("lists, reads, updates, replaces and deletes a consumer's credentials", async () => {
    const mine = await env.create('/consumers/alice/key-auth', { key: 'alice-1' })
    const listed = await admin('GET', '/consumers/alice/key-auth')
    expect(listed).toMatchObject({ status: 200, body: { next: null } })
    expect(listed.body.data.map((row: { key: string }) => row.key)).toEqual(['alice-1'])
    expect((await admin('GET', `/consumers/alice/key-auth/${mine.id}`)).body).toEqual(mine)
    expect((await admin('GET', '/consumers/alice/key-auth/alice-1')).body).toEqual(mine)
    // Not through another consumer.
    expect((await admin('GET', '/consumers/bob/key-auth/alice-1')).status).toBe(404)
    expect((await admin('PATCH', `/consumers/bob/key-auth/${mine.id}`, { key: 'x' })).status).toBe(404)

    const patched = await admin('PATCH', `/consumers/alice/key-auth/${mine.id}`, { key: '4321' })
    expect(patched).toMatchObject({ status: 200, body: { id: mine.id, key: '4321' } })
    const byKey = await admin('PATCH', '/consumers/alice/key-auth/4321', { key: '4321UPD' })
    expect(byKey.body.key).toBe('4321UPD')

    const put = await admin('PUT', '/consumers/alice/key-auth/5678', {})
    expect(put).toMatchObject({ status: 200, body: { key: '5678', consumer: { id: alice.id } } })
    const id = 'c16bbff7-5d0d-4a28-8127-1ee581898f11'
    const putById = await admin('PUT', `/consumers/alice/key-auth/${id}`, {})
    expect(putById).toMatchObject({ status: 200, body: { id, consumer: { id: alice.id } } })
    expect(putById.body.key).toMatch(HEX_KEY)

    expect((await admin('DELETE', `/consumers/alice/key-auth/${mine.id}`)).status).toBe(204)
    expect((await admin('DELETE', `/consumers/alice/key-auth/${mine.id}`)).status).toBe(404)
    expect((await admin('DELETE', '/consumers/alice/key-auth/blah')).status).toBe(404)
    expect((await admin('GET', `/key-auths/${mine.id}`)).status).toBe(404)
  })

  it('serves every credential under /key-auths, by key or id, with their consumer', async () => {
    const credential = await env.create('/key-auths', { key: 'top-level', consumer: { id: alice.id } })
    const all = await admin('GET', '/key-auths')
    expect(all.status).toBe(200)
    const owners = new Set(all.body.data.map((row: { consumer: { id: string } }) => row.consumer.id))
    expect(owners).toEqual(new Set([alice.id, bob.id]))
    const first = await admin('GET', '/key-auths?size=1')
    expect(first.body.data).toHaveLength(1)
    expect(first.body.next).toMatch(/^\/key-auths\?offset=/)
    expect((await admin('GET', '/key-auths/top-level')).body).toEqual(credential)
    expect((await admin('GET', `/key-auths/${credential.id}`)).body).toEqual(credential)
    for (const ref of ['top-level', credential.id]) {
      const owner = await admin('GET', `/key-auths/${ref}/consumer`)
      expect(owner).toMatchObject({ status: 200, body: { id: alice.id, username: 'alice' } })
    }
    expect((await admin('GET', '/key-auths/no-such-key/consumer')).status).toBe(404)
    expect((await admin('GET', '/key-auths/00000000-0000-4000-8000-000000000000/consumer')).status).toBe(404)
    expect((await admin('PATCH', '/key-auths/top-level', { tags: ['t'] })).body.tags).toEqual(['t'])
    expect((await admin('DELETE', '/key-auths/top-level')).status).toBe(204)
  })

  it("refuses bad credentials with Kong's errors, writing nothing", async () => {
    const before = (await admin('GET', '/key-auths?size=1000')).body.data.length
    expect(await admin('POST', '/consumers/nobody/key-auth', { key: 'orphan' })).toEqual({
      status: 404,
      body: { message: 'Not found' },
    })
    expect(await admin('POST', '/key-auths', { key: 'orphan' })).toMatchObject({
      status: 400,
      body: { code: 2, name: 'schema violation', fields: { consumer: 'required field missing' } },
    })
    const ghost = await admin('POST', '/key-auths', {
      consumer: { id: '00000000-0000-4000-8000-000000000000' },
    })
    expect(ghost).toMatchObject({ status: 400, body: { code: 4, name: 'foreign key violation' } })
    await env.create('/consumers/bob/key-auth', { key: 'taken' })
    expect(await admin('POST', '/consumers/alice/key-auth', { key: 'taken' })).toMatchObject({
      status: 409,
      body: { code: 5, name: 'unique constraint violation', fields: { key: 'taken' } },
    })
    const types = await admin('POST', '/consumers/bob/key-auth', { key: 123, tags: 'x' })
    expect(types).toMatchObject({ status: 400, body: { code: 2 } })
    expect(types.body.fields).toEqual({ key: 'expected a string', tags: 'expected a set' })
    const unknown = await admin('POST', '/consumers/bob/key-auth', { key: 'u', foo: 1 })
    expect(unknown).toMatchObject({ status: 400, body: { message: 'schema violation (foo: unknown field)' } })
    const patch = await admin('PATCH', '/key-auths/taken', { key: 123 })
    expect(patch).toMatchObject({ status: 400, body: { fields: { key: 'expected a string' } } })
    expect((await admin('GET', '/key-auths?size=1000')).body.data.length).toBe(before + 1)
  })

  it('expires a credential created with a ttl', async () => {
    const created = await env.create('/consumers/bob/key-auth', { key: 'brief', ttl: 1 })
    const createdAt = Date.now()
    expect(created.ttl).toBe(1)
    expect((await env.send('/guarded', { headers: { apikey: 'brief' } })).status).toBe(200)
    await sleep(Math.max(0, createdAt + 1_100 - Date.now()))
    const late = await env.send('/guarded', { headers: { apikey: 'brief' } })
    expect(late).toMatchObject({ status: 401, body: { message: 'Unauthorized' } })
    expect((await admin('GET', '/key-auths/brief')).status).toBe(404)
  })

  it("takes Kong's config defaults and refuses bad configs and consumer scopes", async () => {
    const created = await admin('POST', '/plugins', { name: 'key-auth', config: { anonymous: null } })
    expect(created.status).toBe(201)
    expect(created.body.config).toEqual({
      key_names: ['apikey'],
      hide_credentials: false,
      key_in_header: true,
      key_in_query: true,
      key_in_body: false,
      run_on_preflight: true,
    })
    expect((await admin('DELETE', `/plugins/${created.body.id}`)).status).toBe(204)
    const badName = await admin('POST', '/plugins', {
      name: 'key-auth',
      config: { key_names: ['hello\\world'] },
    })
    expect(badName).toMatchObject({ status: 400, body: { code: 2 } })
    expect(badName.body.fields.config.key_names).toEqual(['invalid value: hello\\world'])
    const goodName = await admin('POST', '/routes/guarded/plugins', {
      name: 'key-auth',
      config: { key_names: ['hello-world'] },
    })
    // One key-auth per route: the route already has one.
    expect(goodName.status).toBe(409)
    const types = await admin('POST', '/plugins', {
      name: 'key-auth',
      config: { key_names: 'apikey', hide_credentials: 'yes', realm: 1, bogus: true },
    })
    expect(types.body.fields.config).toEqual({
      key_names: 'expected an array',
      hide_credentials: 'expected a boolean',
      realm: 'expected a string',
      bogus: 'unknown field',
    })
    const onConsumer = await admin('POST', '/consumers/bob/plugins', { name: 'key-auth' })
    expect(onConsumer).toMatchObject({ status: 400, body: { fields: { consumer: 'value must be null' } } })
  })
})
