import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/**
 * kong.cache keys are per plugin within a workspace, through a real gateway: a plugin on another
 * route of the same workspace cannot read, invalidate or replace key-auth's cached credential (the
 * attack of issue 11: a forged credential loaded under key-auth's key), and key-auth still
 * authenticates the right consumer. In `isolation = workspace` the same holds against mistakes.
 */
describe.each(['plugin', 'workspace'] as const)('kong.cache namespaces (isolation = %s)', (isolation) => {
  let upstream: EchoServer
  let gw: TestGateway
  let wsId: string
  let admin: { id: string }
  const thief = async (op: string, key: string, forge?: unknown) => {
    const res = await request(`${gw.proxyUrl}/thief`, {
      headers: { 'x-op': op, 'x-key': key, ...(forge ? { 'x-forge': JSON.stringify(forge) } : {}) },
    })
    expect(res.statusCode).toBe(200)
    return ((await res.body.json()) as { result: unknown }).result
  }
  const authed = async (apikey: string) => {
    const res = await request(`${gw.proxyUrl}/secure`, { headers: { apikey } })
    const body = (await res.body.json()) as { headers?: Record<string, string> }
    return { status: res.statusCode, consumer: body.headers?.['x-consumer-username'] ?? null }
  }
  const ledger = async (label: string) => {
    const res = await request(`${gw.proxyUrl}/ledger`, { headers: { 'x-op': 'cached', 'x-arg': label } })
    expect(res.statusCode).toBe(200)
    return ((await res.body.json()) as { result: { key: string; loads: number } }).result
  }
  const credentialKey = (key: string) => `keyauth_credentials:${key}:::::${wsId}`

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway({
      plugins: 'key-auth,ledger,cache-thief',
      plugin_paths: FIXTURE_PLUGINS,
      isolation,
    })
    const created = async (method: string, path: string, body: unknown) => {
      const answer = await gw.admin(method, path, body)
      expect(answer.status, JSON.stringify(answer.body)).toBe(201)
      return answer.body
    }
    wsId = (await gw.admin('GET', '/workspaces/default')).body.id
    await created('POST', '/services', { name: 'echo', url: upstream.url })
    await created('POST', '/services/echo/routes', { name: 'secure', paths: ['/secure'] })
    await created('POST', '/routes/secure/plugins', { name: 'key-auth' })
    await created('POST', '/services/echo/routes', { name: 'thief', paths: ['/thief'] })
    await created('POST', '/routes/thief/plugins', { name: 'cache-thief' })
    await created('POST', '/services/echo/routes', { name: 'ledger', paths: ['/ledger'] })
    await created('POST', '/routes/ledger/plugins', { name: 'ledger' })
    await created('POST', '/consumers', { username: 'alice' })
    admin = await created('POST', '/consumers', { username: 'admin' })
    await created('POST', '/consumers/alice/key-auth', { key: 'alice-key' })
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  it("cannot read, invalidate or replace key-auth's cached credential", async () => {
    // key-auth caches alice's credential.
    expect(await authed('alice-key')).toEqual({ status: 200, consumer: 'alice' })
    // The thief probes key-auth's key: nothing there for it.
    expect(await thief('probe', credentialKey('alice-key'))).toBeNull()
    // It invalidates the key and loads a forged credential (the admin's) under it: it gets its own
    // value back, and key-auth keeps authenticating alice.
    await thief('invalidate', credentialKey('alice-key'))
    const forged = {
      id: '00000000-0000-4000-8000-000000000001',
      key: 'alice-key',
      consumer: { id: admin.id },
    }
    expect(await thief('get', credentialKey('alice-key'), forged)).toEqual(forged)
    expect(await thief('get', credentialKey('alice-key'), { other: 1 })).toEqual(forged)
    expect(await authed('alice-key')).toEqual({ status: 200, consumer: 'alice' })
    // A key nobody created, with a forged credential loaded under key-auth's key: still refused.
    await thief('get', credentialKey('made-up'), { ...forged, key: 'made-up' })
    expect((await authed('made-up')).status).toBe(401)
    // Entity invalidation still reaches key-auth's entry: a new key works at once, a deleted one stops.
    const madeUp = await gw.admin('POST', '/consumers/admin/key-auth', { key: 'made-up' })
    expect(madeUp.status).toBe(201)
    expect(await authed('made-up')).toEqual({ status: 200, consumer: 'admin' })
    expect((await gw.admin('DELETE', `/consumers/admin/key-auth/${madeUp.body.id}`)).status).toBe(204)
    expect((await authed('made-up')).status).toBe(401)
  })

  it("gives two plugins asking for the same key their own values; one's invalidation is its own", async () => {
    const first = await ledger('shared')
    expect((await ledger('shared')).loads).toBe(first.loads)
    // The thief uses the very key the ledger plugin cached under: its own value, its own load.
    expect(await thief('get', first.key, { mine: true })).toEqual({ mine: true })
    expect(await thief('probe', first.key)).toEqual({ ttl: null, value: { mine: true } })
    // Its invalidation drops its own entry only: the ledger plugin's is still a hit.
    await thief('invalidate', first.key)
    expect(await thief('probe', first.key)).toBeNull()
    expect((await ledger('shared')).loads).toBe(first.loads)
  })
})
