import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'
import type { Echoed } from './echo-gateway.ts'

const DENIED = { message: 'You cannot consume this service' }
const UNAUTHORIZED = { message: 'Unauthorized' }

interface Env {
  gw: TestGateway
  upstream: EchoServer
  /** A route on `/<name>` to the echo upstream with these plugin instances (name → config). */
  route(name: string, plugins: Record<string, Record<string, unknown>>): Promise<void>
  /** A proxied GET: status and parsed body (the echoed request when it got through). */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>
  consumer(username: string, ...groups: string[]): Promise<string>
  stop(): Promise<void>
}

/** A real gateway running acl (and the given auth plugins) in front of an echo upstream. */
async function startEnv(plugins: string): Promise<Env> {
  const upstream = await startEchoServer()
  const gw = await startTestGateway({ plugins, plugin_paths: FIXTURE_PLUGINS })
  const ok = (what: string, res: { status: number; body: unknown }) => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body as any
  }
  ok('service', await gw.admin('POST', '/services', { name: 'echo', url: upstream.url }))
  return {
    gw,
    upstream,
    async route(name, instances) {
      ok('route', await gw.admin('POST', '/services/echo/routes', { name, paths: [`/${name}`] }))
      for (const [plugin, config] of Object.entries(instances)) {
        ok(plugin, await gw.admin('POST', `/routes/${name}/plugins`, { name: plugin, config }))
      }
    },
    async get(path, headers = {}) {
      const res = await request(`${gw.proxyUrl}${path}`, { headers })
      return { status: res.statusCode, body: await res.body.json() }
    },
    async consumer(username, ...groups) {
      const { id } = ok('consumer', await gw.admin('POST', '/consumers', { username }))
      for (const group of groups) ok('acl', await gw.admin('POST', `/consumers/${username}/acls`, { group }))
      return id
    },
    async stop() {
      await gw.stop()
      await upstream.close()
    },
  }
}

/** A group header as the upstream got it: the names in order of appearance (null when absent). */
function header(echoed: Echoed, name: string): string[] | null {
  const value = echoed.headers[name]
  if (value === undefined) return null
  return value === '' ? [] : String(value).split(', ')
}

const sorted = (list: string[] | null) => (list === null ? null : [...list].sort())

describe('acl configuration', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv('acl,acl-auth')
    await env.route('config', {})
  })
  afterAll(() => env?.stop())

  const add = (config: Record<string, unknown>) =>
    env.gw.admin('POST', '/routes/config/plugins', { name: 'acl', config })

  it("fills Kong's defaults", async () => {
    const created = await add({ allow: ['admin'] })
    expect(created.status).toBe(201)
    expect(created.body.config).toEqual({
      allow: ['admin'],
      hide_groups_header: false,
      always_use_authenticated_groups: false,
    })
    expect((await env.gw.admin('DELETE', `/plugins/${created.body.id}`)).status).toBe(204)
    // One empty list beside a non-empty one is fine (Kong's only_one_of counts non-empty lists).
    const denying = await add({ allow: [], deny: ['banned'] })
    expect(denying.status).toBe(201)
    await env.gw.admin('DELETE', `/plugins/${denying.body.id}`)
  })

  it('needs exactly one non-empty list of allow and deny', async () => {
    const both = await add({ allow: ['a'], deny: ['b'] })
    expect(both.status).toBe(400)
    expect(both.body).toMatchObject({ code: 2, name: 'schema violation' })
    expect(both.body.fields).toEqual({ config: { '@entity': ['must match exactly one schema in oneOf'] } })
    const neither = await add({})
    expect(neither.status).toBe(400)
    expect(neither.body.fields).toEqual({ config: { '@entity': ['must match a schema in anyOf'] } })
    expect((await add({ allow: [] })).body.fields).toEqual(neither.body.fields)
    // Two empty lists fail both of Kong's checks.
    expect((await add({ allow: [], deny: [] })).body.fields).toEqual({
      config: { '@entity': ['must match a schema in anyOf', 'must match exactly one schema in oneOf'] },
    })
  })

  it('refuses wrong types, unknown fields and consumer-scoped instances', async () => {
    const wrong = await add({ allow: 'admin', hide_groups_header: 'yes', nope: 1 })
    expect(wrong.status).toBe(400)
    expect(wrong.body.fields).toEqual({
      config: { allow: 'expected an array', hide_groups_header: 'expected a boolean', nope: 'unknown field' },
    })
    expect((await add({ allow: [1] })).body.fields).toEqual({ config: { allow: ['expected a string'] } })
    await env.consumer('scoped')
    const scoped = await env.gw.admin('POST', '/consumers/scoped/plugins', {
      name: 'acl',
      config: { allow: ['a'] },
    })
    expect(scoped.status).toBe(400)
    expect(scoped.body.fields).toEqual({ consumer: 'value must be null' })
    expect((await env.gw.admin('GET', '/plugins')).body.data).toEqual([])
  })
})

describe('acl access', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv('acl,acl-auth')
    await env.consumer('alice', 'admin', 'dev')
    await env.consumer('bob', 'guest')
    await env.consumer('carol')
    await env.consumer('anonymous', 'anonymous')
    const auth = { 'acl-auth': {} }
    await env.route('admins', { ...auth, acl: { allow: ['admin'] } })
    await env.route('many', { ...auth, acl: { allow: ['ops', 'dev', 'guest'] } })
    await env.route('no-admins', { ...auth, acl: { deny: ['admin'] } })
    await env.route('hidden', { ...auth, acl: { allow: ['admin'], hide_groups_header: true } })
    await env.route('public', { ...auth, acl: { allow: ['anonymous', 'admin'] } })
    await env.route('always', { ...auth, acl: { allow: ['ops'], always_use_authenticated_groups: true } })
    await env.route('bare', { acl: { allow: ['admin'] } })
  })
  afterAll(() => env?.stop())

  const as = (username: string, extra: Record<string, string> = {}) => ({
    'x-acl-consumer': username,
    ...extra,
  })

  it("answers 401 with Kong's message when nothing authenticated the request", async () => {
    expect(await env.get('/bare/x')).toMatchObject({ status: 401, body: UNAUTHORIZED })
    expect(await env.get('/admins/x')).toMatchObject({ status: 401, body: UNAUTHORIZED })
    expect(await env.get('/no-admins/x')).toMatchObject({ status: 401, body: UNAUTHORIZED })
  })

  it('answers 403 to a credential that names no consumer', async () => {
    const res = await env.get('/admins/x', { 'x-acl-credential-only': '1' })
    expect(res).toMatchObject({ status: 403, body: DENIED })
  })

  it('lets an allowed consumer through with its groups in X-Consumer-Groups, and denies others', async () => {
    const alice = await env.get('/admins/x', as('alice', { 'X-Consumer-Groups': 'forged' }))
    expect(alice.status).toBe(200)
    expect(alice.body.path).toBe('/x')
    expect(sorted(header(alice.body, 'x-consumer-groups'))).toEqual(['admin', 'dev'])
    expect(header(alice.body, 'x-authenticated-groups')).toBeNull()
    expect(await env.get('/admins/x', as('bob'))).toMatchObject({ status: 403, body: DENIED })
    // A consumer without any group is in no allow list.
    expect(await env.get('/admins/x', as('carol'))).toMatchObject({ status: 403, body: DENIED })
    // Any one group of the list is enough.
    expect((await env.get('/many/x', as('alice'))).status).toBe(200)
    expect((await env.get('/many/x', as('bob'))).status).toBe(200)
  })

  it('denies consumers in a deny list and lets the others through', async () => {
    expect(await env.get('/no-admins/x', as('alice'))).toMatchObject({ status: 403, body: DENIED })
    const bob = await env.get('/no-admins/x', as('bob'))
    expect(bob.status).toBe(200)
    expect(header(bob.body, 'x-consumer-groups')).toEqual(['guest'])
    // No group at all: nothing to deny, and an empty header (Kong sets it all the same).
    const carol = await env.get('/no-admins/x', as('carol', { 'X-Consumer-Groups': 'forged' }))
    expect(carol.status).toBe(200)
    expect(header(carol.body, 'x-consumer-groups')).toEqual([])
  })

  it('sends no groups header with hide_groups_header', async () => {
    const alice = await env.get('/hidden/x', as('alice'))
    expect(alice.status).toBe(200)
    expect(header(alice.body, 'x-consumer-groups')).toBeNull()
    expect((await env.get('/hidden/x', as('bob'))).status).toBe(403)
  })

  it("checks an anonymous consumer's own groups", async () => {
    const anonymous = await env.get('/public/x', { 'x-acl-anonymous': 'anonymous' })
    expect(anonymous.status).toBe(200)
    expect(header(anonymous.body, 'x-consumer-groups')).toEqual(['anonymous'])
    expect(await env.get('/admins/x', { 'x-acl-anonymous': 'anonymous' })).toMatchObject({
      status: 403,
      body: DENIED,
    })
  })

  it('uses the authenticated groups when there is no consumer or the consumer is anonymous', async () => {
    const groups = await env.get('/admins/x', { 'x-acl-groups': 'admin,extra' })
    expect(groups.status).toBe(200)
    expect(header(groups.body, 'x-authenticated-groups')).toEqual(['admin', 'extra'])
    expect(header(groups.body, 'x-consumer-groups')).toBeNull()
    expect(await env.get('/admins/x', { 'x-acl-groups': 'guest' })).toMatchObject({ status: 403 })
    // An empty list is authenticated groups too: nothing allowed, nothing denied.
    expect(await env.get('/admins/x', { 'x-acl-groups': '' })).toMatchObject({ status: 403, body: DENIED })
    const none = await env.get('/no-admins/x', { 'x-acl-groups': '' })
    expect(none.status).toBe(200)
    expect(header(none.body, 'x-authenticated-groups')).toEqual([])
    // They override the anonymous consumer's own groups.
    const anonymous = await env.get('/admins/x', { 'x-acl-anonymous': 'anonymous', 'x-acl-groups': 'admin' })
    expect(anonymous.status).toBe(200)
    expect(header(anonymous.body, 'x-authenticated-groups')).toEqual(['admin'])
    expect(
      (await env.get('/public/x', { 'x-acl-anonymous': 'anonymous', 'x-acl-groups': 'guest' })).status,
    ).toBe(403)
  })

  it('prefers a credentialed consumer over authenticated groups unless always_use_authenticated_groups', async () => {
    const alice = await env.get('/admins/x', as('alice', { 'x-acl-groups': 'guest' }))
    expect(alice.status).toBe(200)
    expect(sorted(header(alice.body, 'x-consumer-groups'))).toEqual(['admin', 'dev'])
    const always = await env.get('/always/x', as('bob', { 'x-acl-groups': 'ops' }))
    expect(always.status).toBe(200)
    expect(header(always.body, 'x-authenticated-groups')).toEqual(['ops'])
    expect((await env.get('/always/x', as('alice', { 'x-acl-groups': 'admin' }))).status).toBe(403)
    // Without authenticated groups it falls back to the consumer's own.
    expect((await env.get('/always/x', as('alice'))).status).toBe(403)
  })
})

describe('acl groups changed through the Admin API', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv('acl,acl-auth')
    await env.route('admins', { 'acl-auth': {}, acl: { allow: ['admin'] } })
    await env.route('no-admins', { 'acl-auth': {}, acl: { deny: ['admin'] } })
  })
  afterAll(() => env?.stop())

  const dave = (path: string) => env.get(path, { 'x-acl-consumer': 'dave' })

  it('take effect on the next request', async () => {
    await env.consumer('dave', 'dev')
    expect((await dave('/admins/x')).status).toBe(403)
    expect((await dave('/no-admins/x')).status).toBe(200)
    const added = await env.gw.admin('POST', '/consumers/dave/acls', { group: 'admin' })
    expect(added.status).toBe(201)
    const allowed = await dave('/admins/x')
    expect(allowed.status).toBe(200)
    // The header follows: the cached list is re-read once it disagrees with a checked group.
    expect(sorted(header(allowed.body, 'x-consumer-groups'))).toEqual(['admin', 'dev'])
    expect((await dave('/no-admins/x')).status).toBe(403)

    const renamed = await env.gw.admin('PATCH', `/consumers/dave/acls/${added.body.id}`, { group: 'ops' })
    expect(renamed.status).toBe(200)
    expect((await dave('/admins/x')).status).toBe(403)
    const through = await dave('/no-admins/x')
    expect(through.status).toBe(200)
    expect(sorted(header(through.body, 'x-consumer-groups'))).toEqual(['dev', 'ops'])

    const replaced = await env.gw.admin('PUT', `/acls/${added.body.id}`, {
      consumer: { id: added.body.consumer.id },
      group: 'admin',
    })
    expect(replaced.status).toBe(200)
    expect((await dave('/admins/x')).status).toBe(200)

    expect((await env.gw.admin('DELETE', `/acls/${added.body.id}`)).status).toBe(204)
    expect((await dave('/admins/x')).status).toBe(403)
    expect((await dave('/no-admins/x')).status).toBe(200)
  })

  it('are checked for group names too long for a cache key', async () => {
    const long = 'g'.repeat(1100)
    await env.route('long', { 'acl-auth': {}, acl: { allow: [long] } })
    await env.consumer('frank')
    expect((await env.get('/long/x', { 'x-acl-consumer': 'frank' })).status).toBe(403)
    expect((await env.gw.admin('POST', '/consumers/frank/acls', { group: long })).status).toBe(201)
    expect((await env.get('/long/x', { 'x-acl-consumer': 'frank' })).status).toBe(200)
  })

  it('follow a consumer deleted and created again under the same name', async () => {
    await env.consumer('erin', 'admin')
    expect((await env.get('/admins/x', { 'x-acl-consumer': 'erin' })).status).toBe(200)
    expect((await env.gw.admin('DELETE', '/consumers/erin')).status).toBe(204)
    await env.consumer('erin')
    expect((await env.get('/admins/x', { 'x-acl-consumer': 'erin' })).status).toBe(403)
  })
})

describe('acls Admin API', () => {
  let env: Env
  let bobId: string
  beforeAll(async () => {
    env = await startEnv('acl')
    bobId = await env.consumer('bob')
    await env.consumer('alice')
  })
  afterAll(() => env?.stop())

  const admin = (method: string, path: string, body?: unknown) => env.gw.admin(method, path, body)

  it("creates, lists, reads, updates and deletes a consumer's ACLs", async () => {
    const created = await admin('POST', '/consumers/bob/acls', { group: 'admin', tags: ['t1'] })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ consumer: { id: bobId }, group: 'admin', tags: ['t1'] })
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(typeof created.body.created_at).toBe('number')
    const id = created.body.id as string
    await admin('POST', `/consumers/${bobId}/acls`, { group: 'pro' })

    const listed = await admin('GET', '/consumers/bob/acls')
    expect(listed.status).toBe(200)
    expect(listed.body.data.map((acl: any) => acl.group).sort()).toEqual(['admin', 'pro'])
    expect((await admin('GET', `/consumers/bob/acls/${id}`)).body).toEqual(created.body)
    // Another consumer's path does not reach it.
    expect((await admin('GET', `/consumers/alice/acls/${id}`)).status).toBe(404)

    const patched = await admin('PATCH', `/consumers/bob/acls/${id}`, { group: 'root' })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ id, group: 'root', consumer: { id: bobId } })
    const put = await admin('PUT', `/consumers/bob/acls/${id}`, { group: 'staff' })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ id, group: 'staff', consumer: { id: bobId }, tags: null })
    // PUT on an unused id creates the row for that consumer.
    const fresh = '5f1d7a1e-0b8a-4a55-9d43-2e8f1b0f4c11'
    const upserted = await admin('PUT', `/consumers/bob/acls/${fresh}`, { group: 'new' })
    expect(upserted.status).toBe(200)
    expect(upserted.body).toMatchObject({ id: fresh, group: 'new', consumer: { id: bobId } })

    expect((await admin('DELETE', `/consumers/bob/acls/${id}`)).status).toBe(204)
    expect((await admin('GET', `/consumers/bob/acls/${id}`)).status).toBe(404)
    // As Kong: a nested DELETE of a missing row is a 404.
    expect((await admin('DELETE', `/consumers/bob/acls/${id}`)).status).toBe(404)
  })

  it("addresses a consumer's ACL by its group name too (Kong's acl api.lua, served by api.ts)", async () => {
    const created = (await admin('POST', '/consumers/bob/acls', { group: 'named' })).body
    expect((await admin('GET', '/consumers/bob/acls/named')).body).toEqual(created)
    expect((await admin('GET', `/consumers/${bobId}/acls/named`)).body).toEqual(created)
    expect((await admin('GET', '/consumers/alice/acls/named')).status).toBe(404)
    expect((await admin('GET', '/consumers/nobody/acls/named')).status).toBe(404)
    const patched = await admin('PATCH', '/consumers/bob/acls/named', { tags: ['x'] })
    expect(patched).toMatchObject({ status: 200, body: { id: created.id, group: 'named', tags: ['x'] } })
    const bad = await admin('PATCH', '/consumers/bob/acls/named', { group: 5 })
    expect(bad).toMatchObject({
      status: 400,
      body: { code: 2, name: 'schema violation', fields: { group: 'expected a string' } },
    })
    expect((await admin('PUT', '/consumers/bob/acls/missing', { group: 'missing' })).status).toBe(404)
    expect((await admin('DELETE', '/consumers/bob/acls/named')).status).toBe(204)
    expect((await admin('GET', `/acls/${created.id}`)).status).toBe(404)
  })

  it('serves every ACL under /acls, by id, with its consumer', async () => {
    const acl = (await admin('POST', '/consumers/alice/acls', { group: 'reader' })).body
    const all = await admin('GET', '/acls')
    expect(all.status).toBe(200)
    expect(all.body.data.map((row: any) => row.id)).toContain(acl.id)
    const page = await admin('GET', '/acls?size=1')
    expect(page.body.data).toHaveLength(1)
    expect(page.body.offset).toEqual(expect.any(String))
    expect((await admin('GET', `/acls/${acl.id}`)).body).toEqual(acl)
    const consumer = await admin('GET', `/acls/${acl.id}/consumer`)
    expect(consumer.status).toBe(200)
    expect(consumer.body).toMatchObject({ username: 'alice', id: acl.consumer.id })
    const direct = await admin('POST', '/acls', { consumer: { id: bobId }, group: 'direct' })
    expect(direct.status).toBe(201)
    expect(direct.body).toMatchObject({ consumer: { id: bobId }, group: 'direct' })
  })

  it("answers Kong's errors for bad input", async () => {
    expect(await admin('POST', '/consumers/nobody/acls', { group: 'x' })).toMatchObject({
      status: 404,
      body: { message: 'Not found' },
    })
    const missing = await admin('POST', '/consumers/bob/acls', {})
    expect(missing.status).toBe(400)
    expect(missing.body).toMatchObject({
      code: 2,
      message: 'schema violation (group: required field missing)',
      fields: { group: 'required field missing' },
    })
    const typed = await admin('POST', '/consumers/bob/acls', { group: 123, extra: true })
    expect(typed.status).toBe(400)
    expect(typed.body.fields).toEqual({ group: 'expected a string', extra: 'unknown field' })
    const acl = (await admin('POST', '/consumers/bob/acls', { group: 'twice' })).body
    expect((await admin('PATCH', `/consumers/bob/acls/${acl.id}`, { group: 123 })).body.fields).toEqual({
      group: 'expected a string',
    })
    const duplicate = await admin('POST', '/consumers/bob/acls', { group: 'twice' })
    expect(duplicate.status).toBe(409)
    expect(duplicate.body).toMatchObject({
      code: 5,
      name: 'unique constraint violation',
      fields: { consumer: { id: bobId }, group: 'twice' },
    })
    // The same group for another consumer is fine.
    expect((await admin('POST', '/consumers/alice/acls', { group: 'twice' })).status).toBe(201)
    const unknown = await admin('POST', '/acls', {
      consumer: { id: '00000000-0000-4000-8000-000000000000' },
      group: 'x',
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body).toMatchObject({ code: 4, name: 'foreign key violation' })
    expect((await admin('POST', '/acls', { group: 'x' })).body.fields).toEqual({
      consumer: 'required field missing',
    })
  })

  it("deletes a consumer's ACLs with the consumer", async () => {
    await env.consumer('gone', 'a', 'b')
    const mine = (await admin('GET', '/consumers/gone/acls')).body.data
    expect(mine).toHaveLength(2)
    expect((await admin('DELETE', '/consumers/gone')).status).toBe(204)
    for (const acl of mine) expect((await admin('GET', `/acls/${acl.id}`)).status).toBe(404)
    const left = (await admin('GET', '/acls')).body.data
    expect(left.some((row: any) => row.consumer.id === mine[0].consumer.id)).toBe(false)
  })
})

describe('acl behind key-auth', () => {
  let env: Env
  beforeAll(async () => {
    env = await startEnv('acl,key-auth')
    await env.consumer('alice', 'admin')
    await env.consumer('bob', 'guest')
    await env.consumer('anonymous', 'anonymous')
    for (const [name, key] of [
      ['alice', 'alice-key'],
      ['bob', 'bob-key'],
    ]) {
      const created = await env.gw.admin('POST', `/consumers/${name}/key-auth`, { key })
      expect(created.status).toBe(201)
    }
    await env.route('admins', { 'key-auth': {}, acl: { allow: ['admin'] } })
    await env.route('open', {
      'key-auth': { anonymous: 'anonymous' },
      acl: { allow: ['admin', 'anonymous'] },
    })
  })
  afterAll(() => env?.stop())

  it('lets key holders in their groups through and denies the others', async () => {
    const alice = await env.get('/admins/x', { apikey: 'alice-key' })
    expect(alice.status).toBe(200)
    expect(header(alice.body, 'x-consumer-groups')).toEqual(['admin'])
    expect(alice.body.headers['x-consumer-username']).toBe('alice')
    expect(await env.get('/admins/x', { apikey: 'bob-key' })).toMatchObject({ status: 403, body: DENIED })
    // key-auth answers first without a key.
    expect((await env.get('/admins/x')).status).toBe(401)
  })

  it('checks the anonymous consumer key-auth falls back to', async () => {
    const anonymous = await env.get('/open/x')
    expect(anonymous.status).toBe(200)
    expect(anonymous.body.headers['x-anonymous-consumer']).toBe('true')
    expect(header(anonymous.body, 'x-consumer-groups')).toEqual(['anonymous'])
    expect((await env.get('/open/x', { apikey: 'alice-key' })).status).toBe(200)
    expect(await env.get('/open/x', { apikey: 'bob-key' })).toMatchObject({ status: 403, body: DENIED })
    // A wrong key is anonymous too.
    expect((await env.get('/open/x', { apikey: 'nope' })).status).toBe(200)
  })

  it('sees a group removed from the anonymous consumer on the next request', async () => {
    const acl = (await env.gw.admin('GET', '/consumers/anonymous/acls')).body.data[0]
    expect((await env.gw.admin('DELETE', `/acls/${acl.id}`)).status).toBe(204)
    expect(await env.get('/open/x')).toMatchObject({ status: 403, body: DENIED })
  })
})
