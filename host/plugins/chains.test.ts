import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createEntities, type Entities, type PluginEntity } from '../entities/index.ts'
import { isUserError } from '../errors/index.ts'
import { migrationsBootstrap, openStorage, type Storage } from '../storage/index.ts'
import {
  buildChains,
  type ChainEntry,
  type Chains,
  catalogOf,
  checkPluginsInUse,
  entriesFor,
  type PluginCatalog,
  pluginRegistry,
  reselectInstances,
  selectInstances,
} from './index.ts'
import { loadTestCatalog, type PluginDirs, type PluginSpec, pluginDirs } from './test-plugins.ts'

const tagged: PluginSpec['config'] = {
  type: 'object',
  properties: { tag: { type: 'string' } },
  additionalProperties: false,
}

let dirs: PluginDirs
let catalog: PluginCatalog
beforeAll(async () => {
  dirs = pluginDirs()
  catalog = await loadTestCatalog(dirs, {
    early: { priority: 1500, phases: ['access'], config: tagged },
    auth: { priority: 1000, phases: ['access'], config: tagged },
    limit: { priority: 900, phases: ['access', 'headerFilter'], config: tagged },
    'b-same': { priority: 500, phases: ['access'], config: tagged },
    'a-same': { priority: 500, phases: ['access'], config: tagged },
    pre: { priority: 600, phases: ['rewrite', 'log'], config: tagged },
    logger: { priority: 5, phases: ['log'], config: tagged },
  })
})
afterAll(() => dirs.remove())

let storage: Storage
let entities: Entities
let ws: string
let ids: { service: string; route: string; otherRoute: string; alice: string; bob: string }
beforeEach(async () => {
  storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
  await migrationsBootstrap(storage)
  entities = createEntities(storage, { plugins: pluginRegistry(catalog) })
  ws = (await entities.workspaceByName('default'))!.id
  const service = await entities.services.insert(ws, { name: 's', host: 'example.com' })
  const route = await entities.routes.insert(ws, { name: 'r', paths: ['/a'], service: { id: service.id } })
  const otherRoute = await entities.routes.insert(ws, {
    name: 'r2',
    paths: ['/b'],
    service: { id: service.id },
  })
  const alice = await entities.consumers.insert(ws, { username: 'alice' })
  const bob = await entities.consumers.insert(ws, { username: 'bob' })
  ids = { service: service.id, route: route.id, otherRoute: otherRoute.id, alice: alice.id, bob: bob.id }
})
afterEach(() => storage.close())

interface Scope {
  route?: string
  service?: string
  consumer?: string
  protocols?: string[]
  enabled?: boolean
}

function add(name: string, tag: string, scope: Scope = {}, workspace = ws): Promise<PluginEntity> {
  const ref = (id: string | undefined) => (id === undefined ? null : { id })
  return entities.plugins.insert(workspace, {
    name,
    config: { tag },
    route: ref(scope.route),
    service: ref(scope.service),
    consumer: ref(scope.consumer),
    ...(scope.protocols ? { protocols: scope.protocols } : {}),
    ...(scope.enabled === undefined ? {} : { enabled: scope.enabled }),
  })
}

const chains = async (): Promise<Chains> => buildChains(await entities.loadSnapshot(), catalog)
const tags = (entries: readonly ChainEntry[]) =>
  entries.map((entry) => `${entry.plugin.name}:${entry.instance.config.tag}`)

describe('plugin selection', () => {
  it("picks the most specific of Kong's eight scopes", async () => {
    const { route, service, alice } = ids
    const levels: [string, Scope][] = [
      ['route+service+consumer', { route, service, consumer: alice }],
      ['route+consumer', { route, consumer: alice }],
      ['service+consumer', { service, consumer: alice }],
      ['route+service', { route, service }],
      ['consumer', { consumer: alice }],
      ['route', { route }],
      ['service', { service }],
      ['global', {}],
    ]
    const created: PluginEntity[] = []
    for (const [tag, scope] of levels) created.push(await add('limit', tag, scope))
    // Instances for another route and another consumer never apply here.
    await add('limit', 'other route', { route: ids.otherRoute, consumer: alice })
    await add('limit', 'other consumer', { route, service, consumer: ids.bob })

    const seen: string[] = []
    for (const instance of created) {
      seen.push(tags(selectInstances(await chains(), route, alice, 'http'))[0] as string)
      await entities.plugins.delete(ws, instance.id)
    }
    expect(seen).toEqual(levels.map(([tag]) => `limit:${tag}`))
    expect(selectInstances(await chains(), route, alice, 'http')).toEqual([])
  })

  it('prefers route+service over a consumer-only instance, and uses the non-consumer choice without a consumer', async () => {
    const { route, service, alice, bob } = ids
    await add('limit', 'consumer', { consumer: alice })
    await add('limit', 'route+service', { route, service })
    await add('limit', 'global')
    const built = await chains()
    expect(tags(selectInstances(built, route, alice, 'http'))).toEqual(['limit:route+service'])
    expect(tags(selectInstances(built, route, null, 'http'))).toEqual(['limit:route+service'])
    expect(tags(selectInstances(built, ids.otherRoute, alice, 'http'))).toEqual(['limit:consumer'])
    expect(tags(selectInstances(built, ids.otherRoute, bob, 'http'))).toEqual(['limit:global'])
  })

  it('skips disabled instances and instances whose protocols exclude the scheme, falling back to less specific ones', async () => {
    const { route, service } = ids
    await add('limit', 'route off', { route, enabled: false })
    await add('limit', 'service https', { service, protocols: ['https'] })
    await add('limit', 'global')
    await add('auth', 'only disabled', { enabled: false })
    const built = await chains()
    expect(tags(selectInstances(built, route, null, 'http'))).toEqual(['limit:global'])
    expect(tags(selectInstances(built, route, null, 'https'))).toEqual(['limit:service https'])
    expect(built.workspaces.get(ws)?.configs.get('auth')).toBeUndefined()
    expect(
      Object.values(built.workspaces.get(ws)?.configs.get('limit') ?? {})
        .map((c) => c.tag)
        .sort(),
    ).toEqual(['global', 'service https'])
  })

  it('orders by priority descending, then by name, one instance per plugin', async () => {
    for (const name of ['logger', 'a-same', 'limit', 'early', 'b-same', 'auth', 'pre']) await add(name, 'g')
    await add('limit', 'route', { route: ids.route })
    const selected = selectInstances(await chains(), ids.route, null, 'http')
    expect(tags(selected)).toEqual([
      'early:g',
      'auth:g',
      'limit:route',
      'pre:g',
      'a-same:g',
      'b-same:g',
      'logger:g',
    ])
    expect(entriesFor(selected, 'log').map((entry) => entry.plugin.name)).toEqual(['pre', 'logger'])
    expect(entriesFor(selected, 'headerFilter').map((entry) => entry.plugin.name)).toEqual(['limit'])
  })

  it("keeps workspaces apart; requests no route matched get the default workspace's global instances", async () => {
    const other = (await entities.workspaces.insert('', { name: 'team-b' })).id
    const service = await entities.services.insert(other, { name: 's', host: 'b.example.com' })
    const route = await entities.routes.insert(other, { paths: ['/team-b'], service: { id: service.id } })
    await add('limit', 'default global')
    await add('pre', 'default global')
    await add('limit', 'team-b global', {}, other)
    await add('auth', 'team-b route', { route: route.id }, other)
    const built = await chains()

    expect(tags(selectInstances(built, route.id, null, 'http'))).toEqual([
      'auth:team-b route',
      'limit:team-b global',
    ])
    expect(tags(built.routes.get(route.id)!.globals.http)).toEqual(['limit:team-b global'])
    expect(built.routes.get(route.id)!.wsId).toBe(other)
    expect(tags(selectInstances(built, ids.route, null, 'http'))).toEqual([
      'limit:default global',
      'pre:default global',
    ])
    expect(tags(selectInstances(built, null, null, 'http'))).toEqual([
      'limit:default global',
      'pre:default global',
    ])
    expect(tags(selectInstances(built, 'no-such-route', null, 'https'))).toEqual([
      'limit:default global',
      'pre:default global',
    ])
    expect(built.unmatched).toMatchObject({ wsId: ws, routeId: null, serviceId: null })
    expect([...(built.workspaces.get(other)?.configs.keys() ?? [])].sort()).toEqual(['auth', 'limit'])
  })

  it('chooses again after authentication, only for the plugins that run after the authenticating one', async () => {
    const { route, alice } = ids
    await add('early', 'global')
    await add('early', 'alice', { consumer: alice })
    await add('auth', 'global')
    await add('limit', 'global')
    await add('limit', 'alice', { route, consumer: alice })
    await add('a-same', 'alice only', { consumer: alice })
    await add('logger', 'global')
    const built = await chains()
    expect(built.routes.get(route)?.consumerScoped).toBe(true)

    const before = selectInstances(built, route, null, 'http')
    expect(tags(before)).toEqual(['early:global', 'auth:global', 'limit:global', 'logger:global'])
    const after = reselectInstances(built, route, before, 'auth', alice, 'http')
    expect(tags(after)).toEqual([
      'early:global',
      'auth:global',
      'limit:alice',
      'a-same:alice only',
      'logger:global',
    ])
    // Authenticated before anything ran (a consumer known up front): every plugin is chosen for it.
    expect(tags(selectInstances(built, route, alice, 'http'))).toEqual([
      'early:alice',
      'auth:global',
      'limit:alice',
      'a-same:alice only',
      'logger:global',
    ])
    expect(reselectInstances(built, route, before, 'auth', null, 'http')).toBe(before)
  })

  it('needs no reselection where no instance is scoped to a consumer', async () => {
    await add('auth', 'global')
    await add('limit', 'route', { route: ids.route })
    const built = await chains()
    const before = selectInstances(built, ids.route, null, 'http')
    expect(built.routes.get(ids.route)?.consumerScoped).toBe(false)
    expect(reselectInstances(built, ids.route, before, 'auth', ids.alice, 'http')).toBe(before)
    expect(selectInstances(built, ids.route, ids.alice, 'http')).toBe(before)
  })

  it('skips plugins the node does not load, and refuses to start with them like Kong', async () => {
    await add('auth', 'global')
    await add('limit', 'global')
    const snapshot = await entities.loadSnapshot()
    const smaller = catalogOf(catalog.plugins.filter((plugin) => plugin.name !== 'limit'))
    const built = buildChains(snapshot, smaller)
    expect(built.missing).toEqual(['limit'])
    expect(tags(selectInstances(built, ids.route, null, 'http'))).toEqual(['auth:global'])
    expect(() => checkPluginsInUse(snapshot, catalog)).not.toThrow()
    let message = ''
    try {
      checkPluginsInUse(snapshot, smaller)
    } catch (error) {
      if (isUserError(error)) message = error.message
    }
    expect(message).toBe('limit plugin is in use but not enabled')
    expect(built.version).toBe(snapshot.version)
  })
})
