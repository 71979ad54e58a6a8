import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, type TestGateway, writePluginFolders } from './helpers/index.ts'

const handler = `export default { priority: 900, version: '1.2.3', access(kong) { kong.service.request.setHeader('x-tagged', 'yes') } }\n`
const schema = `export default {
  name: 'tagger',
  config: {
    type: 'object',
    properties: {
      header: { type: 'string', default: 'x-tag', description: 'header to set' },
      times: { type: 'integer', minimum: 1, maximum: 5 },
    },
    additionalProperties: false,
  },
}\n`

describe('plugins through the Admin API', () => {
  let dir: string
  let gw: TestGateway
  beforeAll(async () => {
    dir = writePluginFolders({ tagger: { 'handler.ts': handler, 'schema.ts': schema } })
    gw = await startTestGateway({ plugins: 'tagger', plugin_paths: dir })
  })
  afterAll(async () => {
    await gw?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lists the loaded plugin on the node and in /plugins/enabled', async () => {
    const info = await gw.admin('GET', '/')
    expect(info.body.plugins.available_on_server).toEqual({ tagger: { version: '1.2.3', priority: 900 } })
    expect((await gw.admin('GET', '/plugins/enabled')).body).toEqual({ enabled_plugins: ['tagger'] })
  })

  it("serves the plugin's schema in Kong's shape with the JSON Schema beside it", async () => {
    const answer = await gw.admin('GET', '/schemas/plugins/tagger')
    expect(answer.status).toBe(200)
    const config = answer.body.fields.find((f: Record<string, unknown>) => 'config' in f).config
    expect(config.type).toBe('record')
    expect(config.fields).toContainEqual({
      header: expect.objectContaining({ type: 'string', default: 'x-tag' }),
    })
    expect(answer.body.json_schema.properties.times).toMatchObject({ type: 'integer' })
  })

  it('validates configs: defaults filled, Kong field errors, unknown names refused', async () => {
    const created = await gw.admin('POST', '/plugins', { name: 'tagger', config: { times: 2 } })
    expect(created.status).toBe(201)
    expect(created.body.config).toEqual({ header: 'x-tag', times: 2 })

    const bad = await gw.admin('POST', '/plugins', { name: 'tagger', config: { times: 9, colour: 1 } })
    expect(bad.status).toBe(400)
    expect(bad.body.code).toBe(2)
    expect(bad.body.fields.config.colour).toBe('unknown field')
    expect(bad.body.fields.config.times).toMatch(/between 1 and 5|at most 5/)

    const unknown = await gw.admin('POST', '/plugins', { name: 'nope' })
    expect(unknown.status).toBe(400)
    expect(unknown.body.fields.name).toBe(
      "plugin 'nope' not enabled; add it to the 'plugins' configuration property",
    )

    const merged = await gw.admin('PATCH', `/plugins/${created.body.id}`, { config: { header: 'x-other' } })
    expect(merged.body.config).toEqual({ header: 'x-other', times: 2 })
  })
})
