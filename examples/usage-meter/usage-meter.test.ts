import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  loadPluginFolder,
  PluginConfigError,
  type PluginGateway,
  runPlugin,
  startPluginGateway,
} from '../../sdk/testing/index.ts'

/** The plugin folder; its name is the plugin's name. */
const DIR = fileURLToPath(new URL('./usage-meter', import.meta.url))

type Row = Record<string, any>

describe('usage-meter config (runPlugin: no gateway, no data)', () => {
  it('defaults retention to a day and refuses anything below one second', async () => {
    const { plugin } = await loadPluginFolder(DIR)
    expect(plugin.validate({})).toEqual({ ok: true, config: { retention_seconds: 86400 } })
    const refused = runPlugin({ dir: DIR, config: { retention_seconds: 0 } })
    await expect(refused).rejects.toBeInstanceOf(PluginConfigError)
    await expect(refused).rejects.toMatchObject({
      message:
        'invalid config for plugin usage-meter: schema violation (config.retention_seconds: value must be at least 1)',
      errors: { retention_seconds: 'value must be at least 1' },
    })
    await expect(runPlugin({ dir: DIR, config: { limit: 5 } })).rejects.toMatchObject({
      errors: { limit: 'unknown field' },
    })
  })

  it('lets a request without a consumer through untouched, recording nothing', async () => {
    const result = await runPlugin({ dir: DIR, upstreamResponse: { status: 201, body: 'made' } })
    expect(result).toMatchObject({ status: 201, body: 'made', error: null, logs: [] })
  })
})

describe('usage-meter in a gateway (startPluginGateway)', () => {
  let gw: PluginGateway
  let ann: Row

  /** A proxied request; the body is read so the connection is done with. */
  async function call(path: string, headers: Record<string, string> = {}, method = 'GET') {
    const response = await fetch(gw.proxyUrl + path, { method, headers })
    await response.arrayBuffer()
    return response.status
  }

  /** The log phase runs after the client has its answer: poll (bounded) until `done` holds. */
  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    let value = await read()
    for (let attempt = 0; attempt < 100 && !done(value); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      value = await read()
    }
    return value
  }

  const usageOf = async (consumer: string): Promise<Row[]> =>
    (await gw.admin('GET', `/consumers/${consumer}/usage`)).body.data

  /** A route to the echo service with the given plugins (config by name). */
  async function route(name: string, plugins: Record<string, Row>): Promise<Row> {
    const created = await gw.admin('POST', '/services/echo/routes', { name, paths: [`/${name}`] })
    expect(created.status).toBe(201)
    for (const [plugin, config] of Object.entries(plugins)) {
      expect((await gw.admin('POST', `/routes/${name}/plugins`, { name: plugin, config })).status).toBe(201)
    }
    return created.body
  }

  beforeAll(async () => {
    gw = await startPluginGateway({ dirs: [DIR], bundled: ['key-auth'] })
    await route('metered', { 'key-auth': {}, 'usage-meter': {} })
    await route('open', { 'usage-meter': {} })
    await route('brief', { 'key-auth': {}, 'usage-meter': { retention_seconds: 1 } })
    ann = (await gw.admin('POST', '/consumers', { username: 'ann' })).body
    await gw.admin('POST', '/consumers/ann/key-auth', { key: 'ann-key' })
  })
  afterAll(() => gw?.stop())

  it("records each request of a consumer and sums them up through the plugin's api.ts route", async () => {
    expect(await call('/open')).toBe(200)
    const key = { apikey: 'ann-key' }
    expect(await call('/metered', key)).toBe(200)
    expect(await call('/metered/a', key)).toBe(200)
    expect(await call('/metered', key, 'POST')).toBe(200)
    expect(await call('/metered', { ...key, 'x-echo-status': '404' })).toBe(404)
    expect(await call('/metered')).toBe(401)

    const records = await eventually(
      () => usageOf('ann'),
      (rows) => rows.length >= 4,
    )
    expect(records).toHaveLength(4)
    const metered = (await gw.admin('GET', '/routes/metered')).body
    expect(records[0]).toMatchObject({
      consumer: { id: ann.id },
      route: { id: metered.id },
      method: expect.stringMatching(/^(GET|POST)$/),
      status: expect.any(Number),
      ttl: expect.any(Number),
    })
    expect(records[0].ttl).toBeGreaterThan(86000)

    const summary = {
      requests: 4,
      by_status: { '200': 3, '404': 1 },
      by_method: { GET: 3, POST: 1 },
    }
    expect(await gw.admin('GET', '/consumers/ann/usage/summary')).toEqual({ status: 200, body: summary })
    expect((await gw.admin('GET', `/consumers/${ann.id}/usage/summary`)).body).toEqual(summary)

    // The generated collection holds every consumer's records: none came from the open route.
    const all: Row[] = (await gw.admin('GET', '/usage-records')).body.data
    expect(all.map((row) => row.consumer.id)).toEqual(records.map(() => ann.id))
  })

  it('answers 404 for a consumer that does not exist', async () => {
    for (const consumer of ['nobody', '6e6f6e65-0000-4000-8000-000000000000']) {
      expect(await gw.admin('GET', `/consumers/${consumer}/usage/summary`)).toEqual({
        status: 404,
        body: { message: 'Not found' },
      })
    }
  })

  it('lets records expire after retention_seconds', async () => {
    const cy = (await gw.admin('POST', '/consumers', { username: 'cy' })).body
    await gw.admin('POST', '/consumers/cy/key-auth', { key: 'cy-key' })
    expect(await call('/brief', { apikey: 'cy-key' })).toBe(200)
    const records = await eventually(
      () => usageOf('cy'),
      (rows) => rows.length > 0,
    )
    expect(records).toMatchObject([{ consumer: { id: cy.id }, ttl: 1 }])
    await new Promise((resolve) => setTimeout(resolve, 1200))
    expect(await usageOf('cy')).toEqual([])
    expect((await gw.admin('GET', '/consumers/cy/usage/summary')).body).toEqual({
      requests: 0,
      by_status: {},
      by_method: {},
    })
  })

  it("deletes a consumer's records with the consumer", async () => {
    const bob = (await gw.admin('POST', '/consumers', { username: 'bob' })).body
    await gw.admin('POST', '/consumers/bob/key-auth', { key: 'bob-key' })
    expect(await call('/metered', { apikey: 'bob-key' })).toBe(200)
    const [record] = await eventually(
      () => usageOf('bob'),
      (rows) => rows.length > 0,
    )
    expect(record).toMatchObject({ consumer: { id: bob.id }, method: 'GET', status: 200 })
    expect((await gw.admin('GET', `/usage-records/${record?.id}`)).status).toBe(200)

    expect((await gw.admin('DELETE', '/consumers/bob')).status).toBe(204)
    expect((await gw.admin('GET', `/usage-records/${record?.id}`)).status).toBe(404)
    const left: Row[] = (await gw.admin('GET', '/usage-records')).body.data
    expect(left.filter((row) => row.consumer.id === bob.id)).toEqual([])
  })
})
