import { afterEach, describe, expect, it } from 'vitest'
import { createEntities, type Entities, type EntitySchema, type PluginRegistry } from '../entities/index.ts'
import { isGatewayError } from '../errors/index.ts'
import { migrationsBootstrap, openStorage, type Storage } from '../storage/index.ts'
import { exportDeclarative, importDeclarative, parseDeclarative, toJson, toYaml } from './index.ts'

/** Known plugin names; every config is accepted as given (plugin config checks are not under test here). */
const registry: PluginRegistry = {
  has: (name) => ['key-auth', 'rate-limiting', 'cors', 'acl', 'request-termination'].includes(name),
  validateConfig: (_name, config) => ({ ok: true, config: { ...(config as Record<string, unknown>) } }),
  scoping: () => ({}),
}

const opened: Storage[] = []

async function freshEntities(): Promise<Entities> {
  const storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
  opened.push(storage)
  await migrationsBootstrap(storage)
  return createEntities(storage, { plugins: registry })
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.close()))
})

const SAMPLE = `
_format_version: "3.0"
services:
  - name: billing
    url: http://127.0.0.1:9000/bill
    tags: [team-a, billing]
    routes:
      - name: billing-route
        paths: [/bill]
        strip_path: false
        plugins:
          - name: rate-limiting
            config: { minute: 5 }
    plugins:
      - name: key-auth
        config: { key_names: [apikey] }
  - name: orders
    host: 127.0.0.1
    port: 9001
routes:
  - name: orders-route
    service: orders
    paths: [/orders]
    methods: [GET, POST]
  - hosts: [example.com]
    service: billing
consumers:
  - username: alice
    custom_id: a-1
    plugins:
      - name: acl
        config: { allow: [admins] }
  - custom_id: no-username
plugins:
  - name: cors
    config: {}
  - name: request-termination
    route: orders-route
    consumer: alice
    config: { status_code: 403 }
`

async function defaultWs(entities: Entities): Promise<string> {
  return (await entities.workspaceByName('default'))!.id
}

async function rejection(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (!isGatewayError(error)) throw error
    return error
  }
  throw new Error('expected a rejection')
}

describe('importDeclarative', () => {
  it('imports nested entities and references by name, and returns counts', async () => {
    const entities = await freshEntities()
    const result = await importDeclarative(entities, parseDeclarative(SAMPLE, 'kong.yaml'))
    expect(result).toEqual({ services: 2, routes: 3, consumers: 2, plugins: 5 })
    const ws = await defaultWs(entities)
    const billing = (await entities.services.selectByKey(ws, 'billing'))!
    expect(billing).toMatchObject({
      host: '127.0.0.1',
      port: 9000,
      path: '/bill',
      tags: ['team-a', 'billing'],
    })
    const route = (await entities.routes.selectByKey(ws, 'billing-route'))!
    expect(route).toMatchObject({ service: { id: billing.id }, strip_path: false, paths: ['/bill'] })
    const plugins = (await entities.plugins.page(ws)).data
    expect(plugins.find((p) => p.name === 'rate-limiting')).toMatchObject({
      route: { id: route.id },
      service: null,
      config: { minute: 5 },
    })
    const alice = (await entities.consumers.selectByKey(ws, 'alice'))!
    const orders = (await entities.routes.selectByKey(ws, 'orders-route'))!
    expect(plugins.find((p) => p.name === 'request-termination')).toMatchObject({
      route: { id: orders.id },
      consumer: { id: alice.id },
    })
    expect(plugins.find((p) => p.name === 'acl')).toMatchObject({ consumer: { id: alice.id } })
  })

  it('is an upsert: importing a file of named entities twice changes nothing', async () => {
    const entities = await freshEntities()
    const named =
      '_format_version: "3.0"\nservices:\n  - name: s\n    host: h\n    routes:\n      - name: r\n        paths: [/]\n        plugins:\n          - name: cors\n'
    await importDeclarative(entities, parseDeclarative(named, 'k.yaml'))
    const first = await exportDeclarative(entities)
    const again = await importDeclarative(entities, parseDeclarative(named, 'k.yaml'))
    expect(again).toEqual({ services: 1, routes: 1, plugins: 1 })
    expect(await exportDeclarative(entities)).toEqual(first)
  })

  it('imports nothing when an entity deep inside has an unknown field, and names its path', async () => {
    const entities = await freshEntities()
    const bad = SAMPLE.replace('strip_path: false', 'strip_pth: false')
    const error = await rejection(importDeclarative(entities, parseDeclarative(bad, 'kong.yaml')))
    expect(error.code).toBe('DECLARATIVE_CONFIG')
    expect(error.message).toBe(
      'declarative config is invalid: services[1].routes[1].strip_pth: unknown field',
    )
    expect(error.fields).toEqual({ services: { '1': { routes: { '1': { strip_pth: 'unknown field' } } } } })
    const ws = await defaultWs(entities)
    for (const dao of [entities.services, entities.routes, entities.consumers, entities.plugins]) {
      expect((await dao.page(ws)).data).toEqual([])
    }
  })

  it('with the DAOs schemas, the same mistake is caught while parsing', () => {
    return freshEntities().then((entities) => {
      const schemas = entities
        .schemaNames()
        .map((name) => entities.schema(name))
        .filter((schema): schema is EntitySchema => schema !== undefined)
      const bad = SAMPLE.replace('strip_path: false', 'strip_pth: false')
      expect(() => parseDeclarative(bad, 'kong.yaml', { schemas })).toThrow(
        'kong.yaml: declarative config is invalid: services[1].routes[1].strip_pth: unknown field',
      )
    })
  })

  it('imports nothing when a value is invalid late in the file', async () => {
    const entities = await freshEntities()
    const bad = SAMPLE.replace('status_code: 403 }', 'status_code: 403 }\n    protocols: [gopher]')
    const error = await rejection(importDeclarative(entities, parseDeclarative(bad, 'kong.yaml')))
    expect(error.message).toMatch(/^declarative config is invalid: plugins\[2\]\.protocols/)
    expect((await entities.services.page(await defaultWs(entities))).data).toEqual([])
  })

  it('a missing service reference is rejected before anything is written', async () => {
    const bad = SAMPLE.replace('service: orders', 'service: nope')
    expect(() => parseDeclarative(bad, 'kong.yaml')).toThrow(
      "kong.yaml: declarative config is invalid: routes[1]: invalid reference 'service: nope' (no such entry in 'services')",
    )
  })

  it('imports into the workspace named by _workspace, creating it', async () => {
    const entities = await freshEntities()
    const text = '_format_version: "3.0"\n_workspace: team-b\nservices:\n  - name: s\n    host: h\n'
    expect(await importDeclarative(entities, parseDeclarative(text, 'kong.yaml'))).toEqual({ services: 1 })
    const teamB = (await entities.workspaceByName('team-b'))!
    expect((await entities.services.page(teamB.id)).data.map((s) => s.name)).toEqual(['s'])
    expect((await entities.services.page(await defaultWs(entities))).data).toEqual([])
    const exported = await exportDeclarative(entities, 'team-b')
    expect(exported._workspace).toBe('team-b')
    expect(exported.services).toEqual([expect.objectContaining({ name: 's', host: 'h' })])
  })
})

describe('exportDeclarative', () => {
  it('nests routes in services and single-parent plugins in their parent, drops timestamps', async () => {
    const entities = await freshEntities()
    await importDeclarative(entities, parseDeclarative(SAMPLE, 'kong.yaml'))
    const doc = await exportDeclarative(entities)
    expect(Object.keys(doc)).toEqual(['_format_version', '_transform', 'services', 'consumers', 'plugins'])
    expect(doc._format_version).toBe('3.0')
    const services = doc.services as Record<string, unknown>[]
    const billing = services.find((s) => s.name === 'billing')!
    expect(billing.created_at).toBeUndefined()
    expect(billing.ws_id).toBeUndefined()
    expect(billing.tags).toEqual(['team-a', 'billing'])
    const routes = billing.routes as Record<string, unknown>[]
    expect(routes.map((r) => r.name ?? null).sort()).toEqual([null, 'billing-route'].sort())
    const billingRoute = routes.find((r) => r.name === 'billing-route')!
    expect(billingRoute.service).toBeUndefined()
    expect((billingRoute.plugins as { name: string }[]).map((p) => p.name)).toEqual(['rate-limiting'])
    expect((billing.plugins as { name: string }[]).map((p) => p.name)).toEqual(['key-auth'])
    const alice = (doc.consumers as Record<string, unknown>[]).find((c) => c.username === 'alice')!
    expect((alice.plugins as { name: string }[]).map((p) => p.name)).toEqual(['acl'])
    const topPlugins = doc.plugins as Record<string, unknown>[]
    expect(topPlugins.map((p) => p.name).sort()).toEqual(['cors', 'request-termination'])
    const termination = topPlugins.find((p) => p.name === 'request-termination')!
    expect(termination.consumer).toBe(alice.id)
    expect(typeof termination.route).toBe('string')
  })

  it('round trips: import → export → import into a fresh database gives the same entities', async () => {
    const first = await freshEntities()
    await importDeclarative(first, parseDeclarative(SAMPLE, 'kong.yaml'))
    const exported = await exportDeclarative(first)

    const second = await freshEntities()
    await importDeclarative(second, parseDeclarative(toYaml(exported), 'export.yaml'))
    expect(await exportDeclarative(second)).toEqual(exported)

    const third = await freshEntities()
    await importDeclarative(third, parseDeclarative(toJson(exported), 'export.json'))
    expect(await exportDeclarative(third)).toEqual(exported)

    const ws1 = await defaultWs(first)
    const ws2 = await defaultWs(second)
    const strip = ({ ws_id, created_at, updated_at, ...rest }: Record<string, unknown>) => rest
    for (const dao of ['services', 'routes', 'consumers', 'plugins'] as const) {
      const rows1 = (await first[dao].page(ws1)).data.map((row) => strip(row as never))
      const rows2 = (await second[dao].page(ws2)).data.map((row) => strip(row as never))
      expect(rows2, dao).toEqual(rows1)
    }
  })

  it('an unknown workspace is an error', async () => {
    const entities = await freshEntities()
    const error = await rejection(exportDeclarative(entities, 'nope'))
    expect(error.code).toBe('INVALID_WORKSPACE')
  })
})
