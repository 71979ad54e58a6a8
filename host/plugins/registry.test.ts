import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createEntities, type Entities } from '../entities/index.ts'
import { type GatewayError, isGatewayError, toKongBody } from '../errors/index.ts'
import { migrationsBootstrap, openStorage, type Storage } from '../storage/index.ts'
import { type PluginCatalog, pluginRegistry } from './index.ts'
import { loadTestCatalog, type PluginDirs, pluginDirs } from './test-plugins.ts'

let dirs: PluginDirs
let catalog: PluginCatalog
beforeAll(async () => {
  dirs = pluginDirs()
  catalog = await loadTestCatalog(dirs, {
    'key-auth': {
      priority: 1250,
      config: {
        type: 'object',
        properties: {
          key_names: { type: 'array', items: { type: 'string', minLength: 1 }, default: ['apikey'] },
          hide_credentials: { type: 'boolean', default: false },
          anonymous: { type: 'string' },
        },
        additionalProperties: false,
      },
      schema: { noConsumer: true },
    },
    'rate-limiting': {
      priority: 910,
      config: {
        type: 'object',
        properties: {
          minute: { type: 'integer', exclusiveMinimum: 0 },
          policy: { type: 'string', enum: ['local', 'redis'], default: 'local' },
          redis: {
            type: 'object',
            properties: {
              host: { type: 'string' },
              port: { type: 'integer', minimum: 0, maximum: 65535, default: 6379 },
            },
            required: ['host'],
            additionalProperties: false,
          },
        },
        required: ['minute'],
        additionalProperties: false,
      },
    },
    'global-only': { priority: 1, schema: { noRoute: true, noService: true } },
  })
})
afterAll(() => dirs.remove())

let storage: Storage
let entities: Entities
let ws: string
beforeEach(async () => {
  storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
  await migrationsBootstrap(storage)
  entities = createEntities(storage, { plugins: pluginRegistry(catalog) })
  ws = (await entities.workspaceByName('default'))!.id
})
afterEach(() => storage.close())

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise
  } catch (error) {
    if (isGatewayError(error)) return error
    throw error
  }
  throw new Error('expected a GatewayError')
}

describe('pluginRegistry with the real entity layer', () => {
  it('stores configs normalised by the plugin schema, defaults filled', async () => {
    const plugin = await entities.plugins.insert(ws, { name: 'key-auth' })
    expect(plugin.config).toEqual({ key_names: ['apikey'], hide_credentials: false })
    const limited = await entities.plugins.insert(ws, {
      name: 'rate-limiting',
      config: { minute: 5, redis: { host: 'r' }, policy: null },
    })
    expect(limited.config).toEqual({ minute: 5, policy: 'local', redis: { host: 'r', port: 6379 } })
    const patched = await entities.plugins.update(ws, limited.id, { config: { redis: { port: 7000 } } })
    expect(patched.config).toEqual({ minute: 5, policy: 'local', redis: { host: 'r', port: 7000 } })
  })

  it("answers a bad config with Kong's 400 schema violation and the fields tree under config", async () => {
    const error = await refusal(
      entities.plugins.insert(ws, {
        name: 'rate-limiting',
        config: { minute: 0, policy: 'cluster', redis: { port: 70000 }, colour: 'red' },
      }),
    )
    expect(error.status).toBe(400)
    expect(toKongBody(error)).toEqual({
      code: 2,
      name: 'schema violation',
      message:
        '4 schema violations (config.colour: unknown field; config.minute: value must be greater than 0; config.policy: expected one of: local, redis; config.redis: {host="required field missing",port="value should be between 0 and 65535"})',
      fields: {
        config: {
          colour: 'unknown field',
          minute: 'value must be greater than 0',
          policy: 'expected one of: local, redis',
          redis: { host: 'required field missing', port: 'value should be between 0 and 65535' },
        },
      },
    })
    const missing = await refusal(entities.plugins.insert(ws, { name: 'rate-limiting' }))
    expect(toKongBody(missing)).toMatchObject({
      message: 'schema violation (config.minute: required field missing)',
      fields: { config: { minute: 'required field missing' } },
    })
    const elements = await refusal(
      entities.plugins.insert(ws, { name: 'key-auth', config: { key_names: ['a', ''] } }),
    )
    expect(elements.fields).toEqual({ config: { key_names: [null, 'length must be at least 1'] } })
  })

  it("answers an unknown plugin with Kong's 400", async () => {
    const error = await refusal(entities.plugins.insert(ws, { name: 'cors' }))
    expect(error.status).toBe(400)
    expect(toKongBody(error)).toEqual({
      code: 2,
      name: 'schema violation',
      message:
        "schema violation (name: plugin 'cors' not enabled; add it to the 'plugins' configuration property)",
      fields: { name: "plugin 'cors' not enabled; add it to the 'plugins' configuration property" },
    })
  })

  it("refuses instances scoped where the plugin's schema forbids it", async () => {
    const consumer = await entities.consumers.insert(ws, { username: 'alice' })
    const service = await entities.services.insert(ws, { name: 's', host: 'example.com' })
    const route = await entities.routes.insert(ws, { paths: ['/a'], service: { id: service.id } })
    const onConsumer = await refusal(
      entities.plugins.insert(ws, { name: 'key-auth', consumer: { id: consumer.id } }),
    )
    expect(toKongBody(onConsumer)).toMatchObject({
      code: 2,
      message: 'schema violation (consumer: value must be null)',
      fields: { consumer: 'value must be null' },
    })
    const scoped = await refusal(
      entities.plugins.insert(ws, {
        name: 'global-only',
        route: { id: route.id },
        service: { id: service.id },
      }),
    )
    expect(scoped.fields).toEqual({ route: 'value must be null', service: 'value must be null' })
    expect(await entities.plugins.insert(ws, { name: 'key-auth', route: { id: route.id } })).toMatchObject({
      route: { id: route.id },
    })
  })

  it('reports what the registry knows', () => {
    const registry = pluginRegistry(catalog)
    expect(registry.has('key-auth')).toBe(true)
    expect(registry.has('cors')).toBe(false)
    expect(registry.scoping('key-auth')).toEqual({
      noConsumer: true,
      noRoute: undefined,
      noService: undefined,
    })
    expect(registry.scoping('cors')).toEqual({})
    expect(registry.validateConfig('cors', {})).toEqual({ ok: false, errors: {} })
  })
})
