import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createEntities, type Entities } from '../entities/index.ts'
import { buildChains, type Chains, chainFor, type PluginCatalog, pluginRegistry } from '../plugins/index.ts'
import { loadTestCatalog, type PluginDirs, pluginDirs } from '../plugins/test-plugins.ts'
import { migrationsBootstrap, openStorage, type Storage } from '../storage/index.ts'
import { CallPlans } from './call-plan.ts'
import { LearnedPhases } from './phase-needs.ts'

let dirs: PluginDirs
let catalog: PluginCatalog
beforeAll(async () => {
  dirs = pluginDirs()
  catalog = await loadTestCatalog(dirs, {
    first: { priority: 1000, phases: ['access', 'bodyFilter', 'log'] },
    second: { priority: 500, phases: ['access', 'bodyFilter'] },
  })
})
afterAll(() => dirs.remove())

let storage: Storage
let entities: Entities
let ws: string
let route: string
beforeEach(async () => {
  storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
  await migrationsBootstrap(storage)
  entities = createEntities(storage, { plugins: pluginRegistry(catalog) })
  ws = (await entities.workspaceByName('default'))!.id
  const service = await entities.services.insert(ws, { name: 's', host: 'example.com' })
  route = (await entities.routes.insert(ws, { paths: ['/'], service: { id: service.id } })).id
  await entities.plugins.insert(ws, { name: 'first', config: {} })
  await entities.plugins.insert(ws, { name: 'second', config: {} })
})
afterEach(() => storage.close())

const chains = async (): Promise<Chains> => buildChains(await entities.loadSnapshot(), catalog)
const keyFor = (wsId: string, plugin: string) => `${wsId}/${plugin}`
const names = (plans: CallPlans, chain: Chains, phase: 'access' | 'bodyFilter' | 'log') =>
  plans
    .of(chainFor(chain, route).base.http, ws, phase)
    .groups.map((group) => [group.key, group.entries.map((entry) => entry.plugin.name)])

describe('CallPlans', () => {
  it('builds a plan once per configuration: the same object for every request, a new one after a change', async () => {
    const plans = new CallPlans(new LearnedPhases(), 'plugin', keyFor)
    const before = await chains()
    const selection = chainFor(before, route).base.http
    const plan = plans.of(selection, ws, 'access')
    expect(plans.of(selection, ws, 'access')).toBe(plan)
    expect(plans.of(chainFor(before, route).base.http, ws, 'access')).toBe(plan)
    expect(plan.groups.map((group) => group.key)).toEqual([`${ws}/first`, `${ws}/second`])

    await entities.plugins.insert(ws, { name: 'first', config: {}, route: { id: route } })
    const after = await chains()
    const replaced = plans.of(chainFor(after, route).base.http, ws, 'access')
    expect(replaced).not.toBe(plan)
    expect(replaced.groups[0]?.entries[0]?.instance.route).toEqual({ id: route })
    // Requests still running on the old configuration keep the old plan.
    expect(plans.of(selection, ws, 'access')).toBe(plan)
  })

  it('is rebuilt when a configuration declares the phases it needs', async () => {
    const phases = new LearnedPhases()
    const plans = new CallPlans(phases, 'plugin', keyFor)
    const chain = await chains()
    const plan = plans.of(chainFor(chain, route).base.http, ws, 'log')
    expect(plan.groups).toHaveLength(1)
    const first = plan.groups[0]?.entries[0]
    phases.learn(
      first!.plugin,
      { [first!.instance.id]: first!.instance.config },
      { [first!.instance.id]: ['access'] },
    )
    const rebuilt = plans.of(chainFor(chain, route).base.http, ws, 'log')
    expect(rebuilt).not.toBe(plan)
    expect(rebuilt.groups).toEqual([])
  })

  it('groups a phase per plugin, or per workspace run (bodyFilter: one plugin per crossing)', async () => {
    const chain = await chains()
    const byPlugin = new CallPlans(new LearnedPhases(), 'plugin', keyFor)
    expect(names(byPlugin, chain, 'access')).toEqual([
      [`${ws}/first`, ['first']],
      [`${ws}/second`, ['second']],
    ])
    const byWorkspace = new CallPlans(new LearnedPhases(), 'workspace', (wsId) => `${wsId}/*`)
    expect(names(byWorkspace, chain, 'access')).toEqual([[`${ws}/*`, ['first', 'second']]])
    expect(names(byWorkspace, chain, 'bodyFilter')).toEqual([
      [`${ws}/*`, ['first']],
      [`${ws}/*`, ['second']],
    ])
    expect(names(byWorkspace, chain, 'log')).toEqual([[`${ws}/*`, ['first']]])
  })
})
