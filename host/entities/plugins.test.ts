import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestEntities, rejection, type TestEntities } from './test-helpers.ts'

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities()
})
afterEach(() => t.close())

describe('plugins', () => {
  it("validates config with the plugin's schema and fills its defaults", async () => {
    const plugin = await t.entities.plugins.insert(t.ws, { name: 'key-auth' })
    expect(plugin).toMatchObject({
      name: 'key-auth',
      instance_name: null,
      route: null,
      service: null,
      consumer: null,
      config: { key_names: ['apikey'], hide_credentials: false, limits: {} },
      protocols: ['grpc', 'grpcs', 'http', 'https', 'ws', 'wss'],
      enabled: true,
      tags: null,
      ordering: null,
    })
    const error = await rejection(
      t.entities.plugins.insert(t.ws, { name: 'key-auth', config: { key_names: 'x', nope: 1 } }),
    )
    expect(error).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      fields: { config: { key_names: 'expected an array', nope: 'unknown field' } },
    })
    expect(error.message).toBe(
      '2 schema violations (config.key_names: expected an array; config.nope: unknown field)',
    )
    const missing = await rejection(t.entities.plugins.insert(t.ws, { name: 'cors', config: {} }))
    expect(missing.fields).toEqual({ config: { origins: 'required field missing' } })
  })

  it("refuses plugins the registry does not have, with Kong's message only", async () => {
    const error = await rejection(t.entities.plugins.insert(t.ws, { name: 'nope', foo: 1 }))
    expect(error).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      message:
        "schema violation (name: plugin 'nope' not enabled; add it to the 'plugins' configuration property)",
      fields: { name: "plugin 'nope' not enabled; add it to the 'plugins' configuration property" },
    })
    expect((await rejection(t.entities.plugins.insert(t.ws, {}))).fields).toEqual({
      name: 'required field missing',
    })
  })

  it('is unique per name, route, service and consumer', async () => {
    const service = await t.entities.services.insert(t.ws, { name: 's', host: 'h' })
    await t.entities.plugins.insert(t.ws, { name: 'key-auth', service: { id: service.id } })
    await t.entities.plugins.insert(t.ws, { name: 'key-auth' })
    const error = await rejection(
      t.entities.plugins.insert(t.ws, { name: 'key-auth', service: { name: 's' } }),
    )
    expect(error).toMatchObject({
      code: 'UNIQUE_VIOLATION',
      message: `UNIQUE violation detected on '{consumer=null,name="key-auth",route=null,service={id="${service.id}"}}'`,
      fields: { consumer: null, name: 'key-auth', route: null, service: { id: service.id } },
    })
  })

  it('keeps instance names unique and addresses plugins by them', async () => {
    const plugin = await t.entities.plugins.insert(t.ws, { name: 'key-auth', instance_name: 'auth-1' })
    expect(await t.entities.plugins.selectByKey(t.ws, 'auth-1')).toEqual(plugin)
    const service = await t.entities.services.insert(t.ws, { host: 'h' })
    const error = await rejection(
      t.entities.plugins.insert(t.ws, {
        name: 'key-auth',
        instance_name: 'auth-1',
        service: { id: service.id },
      }),
    )
    expect(error).toMatchObject({ code: 'UNIQUE_VIOLATION', fields: { instance_name: 'auth-1' } })
  })

  it("applies the plugin's scoping", async () => {
    const consumer = await t.entities.consumers.insert(t.ws, { username: 'alice' })
    const error = await rejection(
      t.entities.plugins.insert(t.ws, {
        name: 'cors',
        consumer: { id: consumer.id },
        config: { origins: ['*'] },
      }),
    )
    expect(error.fields).toEqual({ consumer: 'value must be null' })
  })

  it('PATCH merges config instead of replacing it', async () => {
    const plugin = await t.entities.plugins.insert(t.ws, {
      name: 'key-auth',
      config: { key_names: ['a'], limits: { minute: 1 } },
    })
    const updated = await t.entities.plugins.update(t.ws, plugin.id, { config: { limits: { hour: 2 } } })
    expect(updated.config).toEqual({
      key_names: ['a'],
      hide_credentials: false,
      limits: { minute: 1, hour: 2 },
    })
    const replaced = await t.entities.plugins.upsert(t.ws, plugin.id, {
      name: 'key-auth',
      config: { key_names: ['b'] },
    })
    expect(replaced.config).toEqual({ key_names: ['b'], hide_credentials: false, limits: {} })
  })

  it('is deleted with the route, service or consumer it belongs to (one event each)', async () => {
    const service = await t.entities.services.insert(t.ws, { host: 'h' })
    const route = await t.entities.routes.insert(t.ws, { paths: ['/a'], service: { id: service.id } })
    const consumer = await t.entities.consumers.insert(t.ws, { username: 'alice' })
    const onRoute = await t.entities.plugins.insert(t.ws, {
      name: 'key-auth',
      route: { id: route.id },
      tags: ['x'],
    })
    const onService = await t.entities.plugins.insert(t.ws, { name: 'key-auth', service: { id: service.id } })
    const onConsumer = await t.entities.plugins.insert(t.ws, {
      name: 'key-auth',
      consumer: { id: consumer.id },
    })
    t.events.length = 0
    await t.entities.routes.delete(t.ws, route.id)
    // Cascaded rows carry their cache keys too: by Kong's plugin cache key and by id.
    expect(t.events).toEqual([
      {
        entity: 'plugins',
        op: 'delete',
        ws_id: t.ws,
        id: onRoute.id,
        cacheKeys: [`plugins:key-auth:${route.id}::::${t.ws}`, `plugins:${onRoute.id}:::::${t.ws}`],
      },
      {
        entity: 'routes',
        op: 'delete',
        ws_id: t.ws,
        id: route.id,
        cacheKeys: [`routes:${route.id}:::::${t.ws}`],
      },
    ])
    await t.entities.services.delete(t.ws, service.id)
    await t.entities.consumers.delete(t.ws, 'alice')
    expect(t.events.map((event) => event.id)).toEqual([
      onRoute.id,
      route.id,
      onService.id,
      service.id,
      onConsumer.id,
      consumer.id,
    ])
    expect((await t.entities.plugins.page(t.ws)).data).toEqual([])
    expect((await t.entities.tags(t.ws, {})).data).toEqual([])
  })
})
