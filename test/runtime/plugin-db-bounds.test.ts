import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DB_LIMITS } from '../../host/data/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

const MAX_ROWS = 5

/** kong.db's bounds from a real plugin isolate (fixture `hoarder`), through a real gateway. */
describe('kong.db bounds', () => {
  let gw: TestGateway
  const call = async (op: string, arg = '', headers: Record<string, string> = {}) => {
    const res = await request(`${gw.proxyUrl}/hoard`, { headers: { 'x-op': op, 'x-arg': arg, ...headers } })
    return { status: res.statusCode, body: (await res.body.json()) as any }
  }
  const rowLimit = {
    message: `schema violation (plugin hoarder may keep at most ${MAX_ROWS} rows in this workspace)`,
    code: 'SCHEMA_VIOLATION',
    status: 400,
    body: {
      code: 2,
      name: 'schema violation',
      message: `schema violation (plugin hoarder may keep at most ${MAX_ROWS} rows in this workspace)`,
      fields: { '@entity': [`plugin hoarder may keep at most ${MAX_ROWS} rows in this workspace`] },
    },
  }

  beforeAll(async () => {
    gw = await startTestGateway({
      plugins: 'hoarder',
      plugin_paths: FIXTURE_PLUGINS,
      plugin_db_max_rows: MAX_ROWS,
    })
    expect((await gw.admin('POST', '/routes', { name: 'hoard', paths: ['/hoard'] })).status).toBe(201)
    expect((await gw.admin('POST', '/routes/hoard/plugins', { name: 'hoarder' })).status).toBe(201)
  })
  afterAll(() => gw?.stop())

  it(`refuses the ${DB_LIMITS.callsPerRequest + 1}st call of a request with an error the plugin catches`, async () => {
    const spam = await call('spam', '150')
    expect(spam.status).toBe(200)
    expect(spam.body.result).toEqual({
      answered: DB_LIMITS.callsPerRequest,
      refused: {
        message: `kong.db: at most ${DB_LIMITS.callsPerRequest} calls per request`,
        code: 'DB_LIMIT',
        status: null,
        body: null,
      },
    })
    // The count is per request: the next request has its own.
    expect((await call('spam', '3')).body.result).toEqual({ answered: 3, refused: null })
  })

  it(`refuses a row over ${DB_LIMITS.rowJsonBytes} bytes of JSON with Kong's 400`, async () => {
    const big = await call('big', String(DB_LIMITS.rowJsonBytes + 1))
    expect(big.body.result.error).toMatchObject({ code: 'SCHEMA_VIOLATION', status: 400 })
    expect(big.body.result.error.message).toMatch(/^schema violation \(the entity is \d+ bytes of JSON/)
    expect((await gw.admin('GET', '/hoard-items')).body.data).toEqual([])
  })

  it(`keeps plugin code to ${MAX_ROWS} rows, counting the operator's rows without refusing them`, async () => {
    const consumer = (await gw.admin('POST', '/consumers', { username: 'owner' })).body.id
    const first = await call('fill', '10', { 'x-consumer': consumer })
    expect(first.body.result).toEqual({ inserted: MAX_ROWS, error: rowLimit })
    // An upsert that would add a row is refused too; the Admin API is not.
    const upsert = await call('upsert', '8e2a1c1e-5a2b-4a57-9f3e-2f6c1b0a9d01')
    expect(upsert.body.result).toEqual({ row: null, error: rowLimit })
    const operator = await gw.admin('POST', '/hoard-items', { name: 'by-operator' })
    expect(operator.status).toBe(201)
    expect((await gw.admin('GET', '/hoard-items?size=100')).body.data).toHaveLength(MAX_ROWS + 1)
    // Deletes free room: two gone leaves 4 (the operator's row counts), so one more fits.
    expect((await gw.admin('DELETE', `/hoard-items/${operator.body.id}`)).status).toBe(204)
    const rows = (await gw.admin('GET', '/hoard-items?size=100')).body.data
    expect((await gw.admin('DELETE', `/hoard-items/${rows[0].id}`)).status).toBe(204)
    expect((await call('fill', '3')).body.result).toEqual({ inserted: 1, error: rowLimit })
    // Cascaded deletes count as well: the consumer's rows go with it.
    expect((await gw.admin('DELETE', `/consumers/${consumer}`)).status).toBe(204)
    const left = (await gw.admin('GET', '/hoard-items?size=100')).body.data.length
    expect((await call('fill', '10')).body.result).toEqual({ inserted: MAX_ROWS - left, error: rowLimit })
  })

  it("never refuses an api.ts handler's writes: an operator's Admin API call runs it", async () => {
    expect((await call('fill', '10')).body.result.error).toEqual(rowLimit)
    const bulk = await gw.admin('POST', '/hoard-items/bulk/3')
    expect(bulk).toMatchObject({ status: 201, body: { inserted: 3 } })
    // Plugin code on the proxy path is still held at the limit.
    expect((await call('fill', '1')).body.result).toEqual({ inserted: 0, error: rowLimit })
  })
})
