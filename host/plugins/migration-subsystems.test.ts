import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EntitySchema } from '../entities/index.ts'
import { migrationsBootstrap, migrationsList, openStorage, type Storage } from '../storage/index.ts'
import { type CatalogPlugin, catalogOf, migrationSubsystems } from './index.ts'

/** A loaded plugin as the loader describes it; only name, priority, daos and migrations matter here. */
function plugin(name: string, priority: number, daos: EntitySchema[] = [], migrations: unknown[] = []) {
  const names = migrations.map((_, index) => `00${index}_step`)
  const loaded: CatalogPlugin = {
    name,
    dir: `/plugins/${name}`,
    bundle: {
      name,
      dir: `/plugins/${name}`,
      hash: '0'.repeat(64),
      code: '',
      size: 0,
      modules: { handler: true, schema: true, daos: daos.length > 0, api: false, migrations: names },
      warnings: [],
      fromCache: false,
    },
    priority,
    version: '1.0.0',
    phases: ['access'],
    schema: { name, config: { type: 'object' } },
    validate: (config) => ({ ok: true, config: config as Record<string, unknown> }),
    daos,
    migrations: migrations.map((value, index) => ({ name: names[index] as string, value })),
    api: null,
  }
  return loaded
}

const entity = (name: string): EntitySchema => ({
  name,
  primaryKey: ['id'],
  workspaceable: true,
  fields: [{ id: { type: 'string', uuid: true } }, { value: { type: 'string' } }],
})
const table = (name: string) => ({
  up: [{ createTable: name, columns: { id: { type: 'uuid', primaryKey: true }, value: { type: 'text' } } }],
})

let storage: Storage
beforeEach(async () => {
  storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
})
afterEach(() => storage.close())

describe('migrationSubsystems', () => {
  it('puts core first, then each plugin with migrations in catalog order', async () => {
    const catalog = catalogOf([
      plugin('low', 10, [entity('low_things')], [table('low_things')]),
      plugin('plain', 500),
      plugin('high', 1000, [entity('high_things')], [table('high_things'), { up: [] }]),
    ])
    const subsystems = migrationSubsystems(catalog)
    expect(subsystems.map((subsystem) => subsystem.name)).toEqual(['core', 'high', 'low'])
    expect(await migrationsBootstrap(storage, subsystems)).toEqual({
      executed: ['core/001_base', 'high/000_step', 'high/001_step', 'low/000_step'],
    })
    const tables = (await storage.db.introspection.getTables()).map((found) => found.name)
    expect(tables).toEqual(expect.arrayContaining(['high_things', 'low_things']))
    expect(await migrationsList(storage, subsystems)).toEqual([
      { subsystem: 'core', executed: ['001_base'], pending: [] },
      { subsystem: 'high', executed: ['000_step', '001_step'], pending: [] },
      { subsystem: 'low', executed: ['000_step'], pending: [] },
    ])
  })

  it('refuses a plugin whose migrations are invalid, naming it, before anything runs', () => {
    const catalog = catalogOf([plugin('broken', 10, [entity('mine')], [table('theirs')])])
    expect(() => migrationSubsystems(catalog)).toThrow(
      "plugin broken: migrations/000_step.ts: up[0]: createTable 'theirs': table 'theirs' is not one of the plugin's entities; it may use mine",
    )
  })

  it('refuses a plugin named core that ships migrations', () => {
    const catalog = catalogOf([plugin('core', 10, [entity('core_things')], [table('core_things')])])
    expect(() => migrationSubsystems(catalog)).toThrow(
      "plugin core: the name is taken by the gateway's own migrations",
    )
    expect(migrationSubsystems(catalogOf([plugin('core', 10)])).map((s) => s.name)).toEqual(['core'])
  })
})
