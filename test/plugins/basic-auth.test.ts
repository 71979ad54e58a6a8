import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { performCrypto } from '../../host/chain/index.ts'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { startTestGateway, type TestGateway, writePluginFolders } from '../helpers/index.ts'
import type { Echoed } from './echo-gateway.ts'

const basic = (userAndPassword: string) => `Basic ${Buffer.from(userAndPassword).toString('base64')}`

/** A plugin that authenticates every request carrying `x-pre-auth` with a credential, before basic-auth. */
const PRE_AUTH = {
  'pre-auth': {
    'handler.ts': `export default {
  priority: 2000,
  version: '1.0.0',
  access(kong) {
    const id = kong.request.getHeader('x-pre-auth')
    if (id !== null) kong.client.authenticate({ id }, { id: '00000000-0000-4000-8000-000000000001' })
  },
}`,
    'schema.ts': `export default { name: 'pre-auth', config: { type: 'object', properties: {}, additionalProperties: false } }`,
  },
}

describe('basic-auth through a gateway', () => {
  let gw: TestGateway
  let upstream: EchoServer
  let pluginDir: string
  let bob: { id: string }
  let noBody: { id: string }

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await request(`${gw.proxyUrl}${path}`, { headers })
    const text = await res.body.text()
    return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : null }
  }
  /** The headers the upstream received (the request must pass). */
  const upstreamHeaders = async (path: string, headers: Record<string, string> = {}) => {
    const res = await get(path, headers)
    expect(res.status).toBe(200)
    return (res.body as Echoed).headers
  }
  const route = async (name: string, config: Record<string, unknown>, ws = '') => {
    const prefix = ws ? `/${ws}` : ''
    const created = await gw.admin('POST', `${prefix}/services/echo/routes`, { name, paths: [`/${name}`] })
    expect(created.status).toBe(201)
    const plugin = await gw.admin('POST', `${prefix}/routes/${name}/plugins`, { name: 'basic-auth', config })
    expect(plugin.status).toBe(201)
    return plugin.body
  }
  const credential = async (consumer: string, username: string, password: string, ws = '') => {
    const res = await gw.admin('POST', `${ws ? `/${ws}` : ''}/consumers/${consumer}/basic-auth`, {
      username,
      password,
    })
    expect(res.status).toBe(201)
    return res.body
  }

  beforeAll(async () => {
    upstream = await startEchoServer()
    pluginDir = writePluginFolders(PRE_AUTH)
    gw = await startTestGateway({ plugins: 'bundled,pre-auth', plugin_paths: pluginDir })
    expect((await gw.admin('POST', '/services', { name: 'echo', url: upstream.url })).status).toBe(201)
    bob = (await gw.admin('POST', '/consumers', { username: 'bob', custom_id: 'bob-1' })).body
    noBody = (await gw.admin('POST', '/consumers', { username: 'no-body' })).body
    await credential('bob', 'bob', 'kong')
    await credential('bob', 'user123', 'password123')
    await credential('bob', 'user321', 'password:123')
    await route('plain', {})
    await route('hidden', { hide_credentials: true })
    await route('realm', { realm: 'my realm' })
    await route('anon-id', { anonymous: noBody.id })
    await route('anon-name', { anonymous: 'no-body' })
    await route('anon-missing', { anonymous: randomUUID() })
    expect((await gw.admin('POST', '/routes/anon-id/plugins', { name: 'pre-auth' })).status).toBe(201)
    expect((await gw.admin('POST', '/routes/plain/plugins', { name: 'pre-auth' })).status).toBe(201)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
    if (pluginDir) rmSync(pluginDir, { recursive: true, force: true })
  })

  describe('configuration', () => {
    it("fills Kong 3.x's defaults and refuses unknown fields and consumer scoping", async () => {
      const plugins = (await gw.admin('GET', '/routes/plain/plugins')).body.data
      const plugin = plugins.find((p: { name: string }) => p.name === 'basic-auth')
      expect(plugin.config).toEqual({ anonymous: null, hide_credentials: false, realm: 'service' })
      const unknown = await gw.admin('POST', '/plugins', { name: 'basic-auth', config: { nope: 1 } })
      expect(unknown.status).toBe(400)
      expect(unknown.body.fields).toEqual({ config: { nope: 'unknown field' } })
      const wrong = await gw.admin('POST', '/plugins', {
        name: 'basic-auth',
        config: { hide_credentials: 'x' },
      })
      expect(wrong.status).toBe(400)
      const onConsumer = await gw.admin('POST', '/consumers/bob/plugins', { name: 'basic-auth' })
      expect(onConsumer.status).toBe(400)
    })
  })

  describe('missing or invalid credentials', () => {
    it('answers 401 Unauthorized with a WWW-Authenticate challenge when no credentials are sent', async () => {
      const res = await get('/plain/x')
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ message: 'Unauthorized', request_id: expect.any(String) })
      expect(res.headers['www-authenticate']).toBe('Basic realm="service"')
      expect((await get('/realm/x')).headers['www-authenticate']).toBe('Basic realm="my realm"')
    })

    it.each([
      ['a value without Basic', { authorization: 'foobar' }],
      ['a Proxy-Authorization without Basic', { 'proxy-authorization': 'foobar' }],
      ['a password only', { authorization: 'Basic a29uZw==' }],
      ['a username only', { authorization: 'Basic Ym9i' }],
      ['malformed base64', { authorization: 'Basic adXNlcjEyMzpwYXNzd29yZDEyMw==' }],
      ['a character outside base64', { authorization: 'Basic Ym9i*mtvbmc=' }],
      ['an unknown username', { authorization: basic('alice:kong') }],
      ['a wrong password', { authorization: basic('bob:wrong') }],
      ['a password prefix', { authorization: basic('bob:kon') }],
      ['an empty password', { authorization: basic('bob:') }],
      ['a right password for another username', { authorization: basic('user123:kong') }],
      ['a username too long for a cache key', { authorization: basic(`${'u'.repeat(1100)}:kong`) }],
      ['a password longer than kong.crypto takes', { authorization: basic(`bob:${'k'.repeat(4100)}`) }],
    ])('answers 401 Unauthorized for %s', async (_, headers) => {
      const res = await get('/plain/x', headers)
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ message: 'Unauthorized', request_id: expect.any(String) })
      expect(res.headers['www-authenticate']).toBe('Basic realm="service"')
    })

    it('keeps failing a wrong password after the right one was verified', async () => {
      expect((await get('/plain/x', { authorization: basic('user123:password123') })).status).toBe(200)
      expect((await get('/plain/x', { authorization: basic('user123:password12') })).status).toBe(401)
      expect((await get('/plain/x', { authorization: basic('user123:password123') })).status).toBe(200)
    })
  })

  describe('valid credentials', () => {
    it('proxies with the consumer and credential headers, the Authorization header kept', async () => {
      const headers = await upstreamHeaders('/plain/x', { authorization: basic('bob:kong') })
      expect(headers).toMatchObject({
        'x-consumer-id': bob.id,
        'x-consumer-custom-id': 'bob-1',
        'x-consumer-username': 'bob',
        'x-credential-identifier': 'bob',
        authorization: basic('bob:kong'),
      })
      expect(headers['x-anonymous-consumer']).toBeUndefined()
    })

    it('reads Proxy-Authorization first, then Authorization', async () => {
      const proxied = await upstreamHeaders('/plain/x', {
        'proxy-authorization': basic('user123:password123'),
      })
      expect(proxied['x-credential-identifier']).toBe('user123')
      // An unknown user in Proxy-Authorization falls back to Authorization.
      const fallback = await upstreamHeaders('/plain/x', {
        'proxy-authorization': basic('nobody:x'),
        authorization: basic('bob:kong'),
      })
      expect(fallback['x-credential-identifier']).toBe('bob')
      // A known user with a wrong password in Proxy-Authorization does not.
      const wrong = await get('/plain/x', {
        'proxy-authorization': basic('bob:wrong'),
        authorization: basic('bob:kong'),
      })
      expect(wrong.status).toBe(401)
    })

    it('accepts a password containing ":", any case of "basic", and UTF-8 text', async () => {
      expect(
        (await upstreamHeaders('/plain/x', { authorization: basic('user321:password:123') }))[
          'x-credential-identifier'
        ],
      ).toBe('user321')
      const lower = `basic ${Buffer.from('bob:kong').toString('base64')}`
      expect((await get('/plain/x', { authorization: lower })).status).toBe(200)
      const unpadded = `Basic ${Buffer.from('bob:kong').toString('base64').replace(/=+$/, '')}`
      expect((await get('/plain/x', { authorization: unpadded })).status).toBe(200)
      await credential('bob', 'zoë', 'pässwörd ✓')
      expect((await get('/plain/x', { authorization: basic('zoë:pässwörd ✓') })).status).toBe(200)
      expect((await get('/plain/x', { authorization: basic('zoë:passwort') })).status).toBe(401)
    })

    it('replaces consumer headers sent by the client', async () => {
      await gw.admin('POST', '/consumers', { username: 'carol' })
      await credential('carol', 'carol', 'c-pass')
      const headers = await upstreamHeaders('/plain/x', {
        authorization: basic('carol:c-pass'),
        'x-consumer-custom-id': 'forged',
        'x-consumer-username': 'admin',
        'x-anonymous-consumer': 'true',
        'x-credential-identifier': 'forged',
      })
      expect(headers['x-consumer-custom-id']).toBeUndefined()
      expect(headers['x-anonymous-consumer']).toBeUndefined()
      expect(headers['x-consumer-username']).toBe('carol')
      expect(headers['x-credential-identifier']).toBe('carol')
    })

    it('hide_credentials removes the header it read before proxying', async () => {
      const hidden = await upstreamHeaders('/hidden/x', { authorization: basic('bob:kong') })
      expect(hidden.authorization).toBeUndefined()
      expect(hidden['x-consumer-username']).toBe('bob')
      const proxy = await upstreamHeaders('/hidden/x', { 'proxy-authorization': basic('bob:kong') })
      expect(proxy['proxy-authorization']).toBeUndefined()
    })
  })

  describe('anonymous', () => {
    it('lets an unauthenticated request through as the anonymous consumer, by id or username', async () => {
      for (const path of ['/anon-id/x', '/anon-name/x']) {
        const headers = await upstreamHeaders(path, { authorization: basic('bob:wrong') })
        expect(headers).toMatchObject({
          'x-anonymous-consumer': 'true',
          'x-consumer-id': noBody.id,
          'x-consumer-username': 'no-body',
        })
        expect(headers['x-credential-identifier']).toBeUndefined()
        expect((await upstreamHeaders(path))['x-consumer-username']).toBe('no-body')
      }
    })

    it('authenticates valid credentials as their consumer', async () => {
      const headers = await upstreamHeaders('/anon-id/x', { authorization: basic('bob:kong') })
      expect(headers['x-consumer-username']).toBe('bob')
      expect(headers['x-anonymous-consumer']).toBeUndefined()
    })

    it('answers 500 when the anonymous consumer does not exist', async () => {
      const res = await get('/anon-missing/x')
      expect(res.status).toBe(500)
      expect(res.body).toEqual({ message: 'An unexpected error occurred', request_id: expect.any(String) })
    })

    it('skips a request another plugin authenticated with a credential only when anonymous is set', async () => {
      // logical OR: already authenticated, basic-auth does nothing.
      const or = await upstreamHeaders('/anon-id/x', { 'x-pre-auth': bob.id })
      expect(or['x-anonymous-consumer']).toBeUndefined()
      // logical AND: basic-auth still demands its own credentials.
      expect((await get('/plain/x', { 'x-pre-auth': bob.id })).status).toBe(401)
    })
  })

  describe('Admin API', () => {
    it('creates credentials under a consumer and never answers a password in clear', async () => {
      const dave = (await gw.admin('POST', '/consumers', { username: 'dave' })).body
      const created = await credential('dave', 'dave', 'open-sesame-1')
      expect(created).toMatchObject({ username: 'dave', consumer: { id: dave.id }, tags: null })
      expect(created.password).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/)
      const answers = [
        await gw.admin('GET', '/consumers/dave/basic-auth'),
        await gw.admin('GET', `/consumers/dave/basic-auth/${created.id}`),
        await gw.admin('GET', '/basic-auths'),
        await gw.admin('GET', '/basic-auths/dave'),
        await gw.admin('GET', `/basic-auths/${created.id}`),
        await gw.admin('PATCH', `/basic-auths/${created.id}`, { password: 'open-sesame-2' }),
        await gw.admin('PUT', '/consumers/dave/basic-auth/dave-2', { password: 'open-sesame-3' }),
      ]
      for (const answer of answers) {
        expect(answer.status).toBeLessThan(300)
        expect(JSON.stringify(answer.body)).not.toMatch(/open-sesame/)
      }
      expect(answers[0]!.body.data.map((c: { username: string }) => c.username)).toEqual(['dave'])
      expect(answers[3]!.body).toEqual(answers[4]!.body)
      expect(answers[5]!.body.password).toMatch(/^\$scrypt\$/)
      expect(answers[5]!.body.password).not.toBe(created.password)
      expect(answers[6]!.body).toMatchObject({ username: 'dave-2', consumer: { id: dave.id } })
      expect((await get('/plain/x', { authorization: basic('dave:open-sesame-2') })).status).toBe(200)
      expect((await get('/plain/x', { authorization: basic('dave-2:open-sesame-3') })).status).toBe(200)
      const owner = await gw.admin('GET', `/basic-auths/${created.id}/consumer`)
      expect(owner.body).toMatchObject({ id: dave.id, username: 'dave' })
      expect((await gw.admin('GET', '/basic-auths/dave/consumer')).body).toEqual(owner.body)
    })

    it('keeps a password given as a kong.crypto.hashPassword hash, and authenticates with its clear text', async () => {
      const hash = (await performCrypto(['hashPassword', 'pre-hashed pw'])) as string
      const created = await credential('bob', 'hashed-user', hash)
      expect(created.password).toBe(hash)
      expect((await get('/plain/x', { authorization: basic('hashed-user:pre-hashed pw') })).status).toBe(200)
      expect((await get('/plain/x', { authorization: basic(`hashed-user:${hash}`) })).status).toBe(401)
    })

    it("refuses bad input with Kong's statuses", async () => {
      const missingConsumer = await gw.admin('POST', '/consumers/nobody/basic-auth', {
        username: 'x',
        password: 'y',
      })
      expect(missingConsumer.status).toBe(404)
      expect(missingConsumer.body).toEqual({ message: 'Not found' })
      const duplicate = await gw.admin('POST', '/consumers/bob/basic-auth', {
        username: 'bob',
        password: 'z',
      })
      expect(duplicate.status).toBe(409)
      expect(duplicate.body).toMatchObject({ code: 5, name: 'unique constraint violation' })
      const types = await gw.admin('POST', '/consumers/bob/basic-auth', { username: 12, password: true })
      expect(types.status).toBe(400)
      expect(types.body).toMatchObject({
        name: 'schema violation',
        fields: { username: 'expected a string', password: 'expected a string' },
      })
      const missing = await gw.admin('POST', '/consumers/bob/basic-auth', { username: 'only-name' })
      expect(missing.status).toBe(400)
      expect(missing.body.fields).toEqual({ password: 'required field missing' })
      const unknown = await gw.admin('POST', '/consumers/bob/basic-auth', {
        username: 'u',
        password: 'p',
        nope: 1,
      })
      expect(unknown.status).toBe(400)
      expect(unknown.body.fields).toEqual({ nope: 'unknown field' })
      const noConsumer = await gw.admin('POST', '/basic-auths', { username: 'orphan', password: 'p' })
      expect(noConsumer.status).toBe(400)
      expect(noConsumer.body.fields).toEqual({ consumer: 'required field missing' })
      const badConsumer = await gw.admin('POST', '/basic-auths', {
        username: 'orphan',
        password: 'p',
        consumer: { id: randomUUID() },
      })
      expect(badConsumer.status).toBe(400)
      expect(badConsumer.body.name).toBe('foreign key violation')
      expect((await gw.admin('GET', '/basic-auths/orphan')).status).toBe(404)
    })
  })

  describe('changes take effect on the next request', () => {
    it('deleting a credential, or PATCHing its password or username', async () => {
      await gw.admin('POST', '/consumers', { username: 'erin' })
      const created = await credential('erin', 'erin', 'first')
      const as = (userAndPassword: string) => get('/plain/x', { authorization: basic(userAndPassword) })
      expect((await as('erin:first')).status).toBe(200)
      expect((await gw.admin('PATCH', `/basic-auths/${created.id}`, { password: 'second' })).status).toBe(200)
      expect((await as('erin:first')).status).toBe(401)
      expect((await as('erin:second')).status).toBe(200)
      expect((await gw.admin('PATCH', '/basic-auths/erin', { username: 'erin2' })).status).toBe(200)
      expect((await as('erin:second')).status).toBe(401)
      expect((await as('erin2:second')).status).toBe(200)
      expect((await gw.admin('DELETE', '/basic-auths/erin2')).status).toBe(204)
      expect((await as('erin2:second')).status).toBe(401)
      // A credential created after a failed lookup (a cached miss) works at once.
      await credential('erin', 'erin2', 'third')
      expect((await as('erin2:third')).status).toBe(200)
    })

    it("a consumer's new username reaches the upstream; deleting the consumer deletes its credentials", async () => {
      const frank = (await gw.admin('POST', '/consumers', { username: 'frank' })).body
      const created = await credential('frank', 'frank', 'f-pass')
      const headers = { authorization: basic('frank:f-pass') }
      expect((await upstreamHeaders('/plain/x', headers))['x-consumer-username']).toBe('frank')
      expect((await gw.admin('PATCH', `/consumers/${frank.id}`, { username: 'francis' })).status).toBe(200)
      expect((await upstreamHeaders('/plain/x', headers))['x-consumer-username']).toBe('francis')
      expect((await gw.admin('DELETE', `/consumers/${frank.id}`)).status).toBe(204)
      expect((await gw.admin('GET', `/basic-auths/${created.id}`)).status).toBe(404)
      expect((await get('/plain/x', headers)).status).toBe(401)
    })
  })

  describe('workspaces', () => {
    it('keep their own credentials: the same username in two workspaces, each with its own password', async () => {
      expect((await gw.admin('POST', '/workspaces', { name: 'other' })).status).toBe(201)
      expect((await gw.admin('POST', '/other/services', { name: 'echo', url: upstream.url })).status).toBe(
        201,
      )
      await route('other-plain', {}, 'other')
      const otherBob = (await gw.admin('POST', '/other/consumers', { username: 'bob' })).body
      await credential('bob', 'bob', 'other-kong', 'other')
      const listed = (await gw.admin('GET', '/other/basic-auths')).body.data
      expect(listed.map((c: { username: string }) => c.username)).toEqual(['bob'])
      const inOther = await upstreamHeaders('/other-plain/x', { authorization: basic('bob:other-kong') })
      expect(inOther['x-consumer-id']).toBe(otherBob.id)
      expect((await get('/other-plain/x', { authorization: basic('bob:kong') })).status).toBe(401)
      expect((await get('/plain/x', { authorization: basic('bob:other-kong') })).status).toBe(401)
      expect((await get('/plain/x', { authorization: basic('bob:kong') })).status).toBe(200)
      expect((await gw.admin('GET', '/other/basic-auths/user123')).status).toBe(404)
    })
  })
})
