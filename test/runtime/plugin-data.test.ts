import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/** kong.db and kong.cache from real plugin isolates, through a real gateway, in both isolation modes. */
describe.each(['plugin', 'workspace'] as const)('plugin data (isolation = %s)', (isolation) => {
  let gw: TestGateway
  let consumerId: string
  const call = async (op: string, arg = '', headers: Record<string, string> = {}, ws = '') => {
    const res = await request(`${gw.proxyUrl}${ws ? `/${ws}-ledger` : '/ledger'}`, {
      headers: { 'x-op': op, 'x-arg': arg, ...headers },
    })
    return { status: res.statusCode, body: (await res.body.json()) as any }
  }

  beforeAll(async () => {
    gw = await startTestGateway({ plugins: 'ledger,vault', plugin_paths: FIXTURE_PLUGINS, isolation })
    const route = await gw.admin('POST', '/routes', { name: 'ledger', paths: ['/ledger'] })
    expect(route.status).toBe(201)
    expect((await gw.admin('POST', '/routes/ledger/plugins', { name: 'ledger' })).status).toBe(201)
    expect((await gw.admin('POST', '/routes/ledger/plugins', { name: 'vault' })).status).toBe(201)
    consumerId = (await gw.admin('POST', '/consumers', { username: 'alice' })).body.id
    // A second workspace with a consumer of the same name and its own route.
    expect((await gw.admin('POST', '/workspaces', { name: 'other' })).status).toBe(201)
    await gw.admin('POST', '/other/consumers', { username: 'bob' })
    await gw.admin('POST', '/other/routes', { name: 'ledger', paths: ['/other-ledger'] })
    expect((await gw.admin('POST', '/other/routes/ledger/plugins', { name: 'ledger' })).status).toBe(201)
  })
  afterAll(() => gw?.stop())

  it('inserts, reads by id and by unique field, pages, updates and deletes its own entity', async () => {
    const created = await call(
      'insert',
      JSON.stringify({ label: 'rent', amount: 5, consumer: { id: consumerId } }),
    )
    expect(created.status).toBe(200)
    const row = created.body.result
    expect(row).toMatchObject({ label: 'rent', amount: 5, consumer: { id: consumerId } })
    expect((await call('select', row.id)).body.result).toEqual(row)
    expect((await call('selectByLabel', 'rent')).body.result).toEqual(row)
    await call('insert', JSON.stringify({ label: 'food' }))
    await call('insert', JSON.stringify({ label: 'fuel' }))
    const first = (await call('page')).body.result
    expect(first.data).toHaveLength(2)
    const second = (await call('page', first.offset)).body.result
    expect(second).toMatchObject({ offset: null })
    expect(second.data).toHaveLength(1)
    expect((await call('pageForConsumer', consumerId)).body.result.data.map((r: any) => r.label)).toEqual([
      'rent',
    ])
    expect((await call('update', row.id)).body.result).toMatchObject({ id: row.id, amount: 7 })
    expect((await call('delete', row.id)).body.result).toBe(true)
    expect((await call('select', row.id)).body.result).toBeNull()
    // The Admin API sees what plugins wrote, under its generated endpoints.
    expect((await gw.admin('GET', '/ledger-entries/food')).body).toMatchObject({ label: 'food' })
  })

  it("answers Kong's validation errors with their code and fields", async () => {
    const missing = await call('insert', JSON.stringify({ amount: 1 }))
    expect(missing.body).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      error: 'schema violation (label: required field missing)',
      fields: { label: 'required field missing' },
    })
    await call('insert', JSON.stringify({ label: 'twice' }))
    expect((await call('insert', JSON.stringify({ label: 'twice' }))).body).toMatchObject({
      code: 'UNIQUE_VIOLATION',
    })
    const unknown = await call('insert', JSON.stringify({ label: 'x', nope: 1 }))
    expect(unknown.body.fields).toEqual({ nope: 'unknown field' })
    const foreign = await call(
      'insert',
      JSON.stringify({ label: 'y', consumer: { id: '00000000-0000-4000-8000-000000000000' } }),
    )
    expect(foreign.body.code).toBe('FOREIGN_KEY_VIOLATION')
  })

  it('reads core entities of its own workspace only, and never writes them', async () => {
    expect((await call('consumer', 'alice')).body.result).toMatchObject({ id: consumerId, username: 'alice' })
    expect((await call('consumer', 'bob')).body.result).toBeNull()
    expect((await call('consumer', 'bob', {}, 'other')).body.result).toMatchObject({ username: 'bob' })
    expect((await call('consumer', 'alice', {}, 'other')).body.result).toBeNull()
    expect((await call('write-core')).body.result).toBe(true)
  })

  it("sees its own entities and the core ones, never another plugin's", async () => {
    expect((await call('visible')).body.result).toEqual(['consumers', 'ledger_entries', 'routes', 'services'])
    expect((await call('vault')).body.visible).toEqual(['consumers', 'routes', 'services', 'vault_secrets'])
    // Rows of one workspace are invisible from another.
    await call('insert', JSON.stringify({ label: 'mine' }))
    expect((await call('selectByLabel', 'mine', {}, 'other')).body.result).toBeNull()
  })

  it('caches a loaded value, and drops it when the entity changes through the Admin API', async () => {
    await call('insert', JSON.stringify({ label: 'cached', amount: 1 }))
    const first = (await call('cached', 'cached')).body.result
    const ws = (await gw.admin('GET', '/workspaces/default')).body.id
    expect(first.key).toBe(`ledger_entries:cached:::::${ws}`)
    expect(first.value).toMatchObject({ amount: 1 })
    const again = (await call('cached', 'cached')).body.result
    expect(again.loads).toBe(first.loads)
    expect((await call('probe', 'cached')).body.result).toMatchObject({ ttl: null, value: { amount: 1 } })
    expect((await gw.admin('PATCH', '/ledger-entries/cached', { amount: 2 })).status).toBe(200)
    const fresh = (await call('cached', 'cached')).body.result
    expect(fresh).toMatchObject({ value: { amount: 2 }, loads: first.loads + 1 })
    expect((await gw.admin('DELETE', '/ledger-entries/cached')).status).toBe(204)
    expect((await call('cached', 'cached')).body.result).toMatchObject({
      value: null,
      loads: first.loads + 2,
    })
    // A miss is cached too, until invalidated.
    expect((await call('cached', 'cached')).body.result.loads).toBe(first.loads + 2)
    await call('invalidate', 'cached')
    expect((await call('probe', 'cached')).body.result).toBeNull()
  })

  it('runs a loader once for concurrent requests of one key', async () => {
    await call('insert', JSON.stringify({ label: 'busy' }))
    const before = (await call('cached', 'warm-up')).body.result.loads
    const answers = await Promise.all(Array.from({ length: 8 }, () => call('cached-slow', 'busy')))
    const loads = answers.map((a) => a.body.result.loads)
    expect(Math.max(...loads)).toBe(before + 1)
    expect(answers.every((a) => a.body.result.value?.label === 'busy')).toBe(true)
  })
})
