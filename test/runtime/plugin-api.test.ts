import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/** api.ts: a plugin's own Admin API routes, run in its isolate, through a real gateway. */
describe('plugin api.ts routes', () => {
  let gw: TestGateway
  beforeAll(async () => {
    gw = await startTestGateway(
      { plugins: 'ledger', plugin_paths: FIXTURE_PLUGINS, plugin_cpu_ms: 50 },
      { captureLogs: true },
    )
    await gw.admin('POST', '/consumers', { username: 'ann' })
    await gw.admin('POST', '/consumers/ann/ledger', { label: 'rent', amount: 5 })
    await gw.admin('POST', '/consumers/ann/ledger', { label: 'food', amount: 3 })
    await gw.admin('POST', '/workspaces', { name: 'other' })
  })
  afterAll(() => gw?.stop())

  it('serves extra routes with params, query and kong.db, in the workspace of the URL', async () => {
    const total = await gw.admin('GET', '/ledger-entries/rent/total?x=1&x=2&y=3')
    expect(total).toEqual({
      status: 200,
      body: { label: 'rent', amount: 5, query: { x: ['1', '2'], y: '3' } },
    })
    expect((await gw.admin('GET', '/consumers/ann/ledger/sum')).body).toEqual({ sum: 8 })
    expect(await gw.admin('GET', '/other/ledger-entries/rent/total')).toEqual({
      status: 404,
      body: { message: 'Not found' },
    })
    expect((await gw.admin('GET', '/other/consumers/ann/ledger/sum')).status).toBe(404)
  })

  it("writes through kong.db with Kong's validation, and the generated endpoints see it", async () => {
    const created = await gw.admin('POST', '/consumers/ann/ledger/sum', { label: 'fuel', amount: 2 })
    expect(created.status).toBe(201)
    expect((await gw.admin('GET', '/ledger-entries/fuel')).body).toMatchObject({ amount: 2 })
    expect((await gw.admin('GET', '/consumers/ann/ledger/sum')).body).toEqual({ sum: 10 })
    const bad = await gw.admin('POST', '/consumers/ann/ledger/sum', { label: 'x'.repeat(40) })
    expect(bad).toMatchObject({ status: 400, body: { fields: { label: 'length must be at most 32' } } })
  })

  it('replaces only the methods it declares on a generated path', async () => {
    expect(await gw.admin('PUT', '/ledger-entries/rent', { amount: 1 })).toEqual({
      status: 405,
      body: { message: 'ledger entries are never replaced' },
    })
    expect((await gw.admin('GET', '/ledger-entries/rent')).body).toMatchObject({ label: 'rent' })
    expect((await gw.admin('PATCH', '/ledger-entries/rent', { amount: 6 })).status).toBe(200)
  })

  it('answers 500 for a handler that throws or answers nonsense, 503 for one that loops, and logs why once', async () => {
    for (const path of ['/ledger/broken', '/ledger/spin', '/ledger/shape']) {
      const limit = path === '/ledger/spin'
      expect(await gw.admin('GET', path)).toEqual({
        status: limit ? 503 : 500,
        body: {
          message: limit ? 'The plugin could not answer within its limits' : 'An unexpected error occurred',
        },
      })
    }
    const failures = gw.logs.filter((line) => line.msg === 'plugin failed' && line.phase === 'admin')
    expect(failures.map((line) => [line.route, line.reason])).toEqual([
      ['GET /ledger/broken', 'exception'],
      ['GET /ledger/spin', 'cpu_limit'],
      ['GET /ledger/shape', 'exception'],
    ])
    expect(failures[0]).toMatchObject({
      detail: 'broken on purpose',
      stack: expect.stringContaining('api.ts:'),
    })
    // The gateway keeps serving, and the plugin's next call runs in a fresh isolate.
    expect((await gw.admin('GET', '/ledger-entries/rent/total')).status).toBe(200)
  })

  it('keeps core entities read-only from api.ts too', async () => {
    expect((await gw.admin('GET', '/ledger/core')).status).toBe(403)
    expect((await gw.admin('GET', '/consumers/x')).status).toBe(404)
  })
})
