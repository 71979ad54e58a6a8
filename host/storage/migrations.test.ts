import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  coreMigrations,
  type MigrationSubsystem,
  migrationsBootstrap,
  migrationsList,
  migrationsStatus,
  migrationsUp,
  openStorage,
  type Storage,
} from './index.ts'

let storage: Storage
beforeEach(async () => {
  storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
})
afterEach(() => storage.close())

const tables = async () => (await storage.db.introspection.getTables()).map((table) => table.name).sort()

/** core plus a second migration that creates a table and then fails half-way. */
const withFailing = (fail: boolean): MigrationSubsystem[] => [
  {
    name: 'core',
    migrations: [
      ...coreMigrations,
      {
        name: '002_extra',
        async up(db) {
          await db.schema.createTable('extra').addColumn('id', 'text').execute()
          await db.insertInto('extra').values({ id: 'x' }).execute()
          if (fail) throw new Error('disk on fire')
        },
      },
    ],
  },
]

describe('migrations', () => {
  it('report that a fresh database needs bootstrapping', async () => {
    expect(await migrationsStatus(storage)).toEqual({
      state: 'needs_bootstrap',
      subsystems: [{ subsystem: 'core', executed: [], pending: ['001_base'] }],
    })
    await expect(migrationsUp(storage)).rejects.toMatchObject({ name: 'UserError', code: 'NOT_BOOTSTRAPPED' })
  })

  it('bootstrap creates the core tables and the default workspace', async () => {
    expect(await migrationsBootstrap(storage)).toEqual({ executed: ['core/001_base'] })
    expect(await tables()).toEqual(
      [
        'config_state',
        'consumers',
        'plugins',
        'routes',
        'schema_meta',
        'services',
        'tags',
        'workspaces',
      ].sort(),
    )
    const workspaces = await storage.db.selectFrom('workspaces').select('name').execute()
    expect(workspaces).toEqual([{ name: 'default' }])
    expect((await migrationsStatus(storage)).state).toBe('up_to_date')
    await expect(migrationsBootstrap(storage)).rejects.toMatchObject({ code: 'ALREADY_BOOTSTRAPPED' })
    expect(await migrationsUp(storage)).toEqual({ executed: [] })
  })

  it('run pending migrations of every subsystem, in order', async () => {
    await migrationsBootstrap(storage)
    const plugin: MigrationSubsystem = {
      name: 'key-auth',
      migrations: [
        {
          name: '002_b',
          up: (db) => db.schema.alterTable('keyauth_credentials').addColumn('ttl', 'integer').execute(),
        },
        {
          name: '001_a',
          up: (db) => db.schema.createTable('keyauth_credentials').addColumn('id', 'text').execute(),
        },
      ],
    }
    const subsystems = [{ name: 'core', migrations: coreMigrations }, plugin]
    expect((await migrationsStatus(storage, subsystems)).state).toBe('pending')
    expect(await migrationsList(storage, subsystems)).toEqual([
      { subsystem: 'core', executed: ['001_base'], pending: [] },
      { subsystem: 'key-auth', executed: [], pending: ['001_a', '002_b'] },
    ])
    expect(await migrationsUp(storage, subsystems)).toEqual({
      executed: ['key-auth/001_a', 'key-auth/002_b'],
    })
    expect((await migrationsStatus(storage, subsystems)).state).toBe('up_to_date')
  })

  it('a failing migration leaves the database exactly as it was', async () => {
    await migrationsBootstrap(storage)
    const before = await tables()
    const error = await migrationsUp(storage, withFailing(true)).catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'UserError',
      code: 'MIGRATION_FAILED',
      message: 'migration core/002_extra failed: disk on fire',
    })
    expect(await tables()).toEqual(before)
    expect(await migrationsList(storage, withFailing(true))).toEqual([
      { subsystem: 'core', executed: ['001_base'], pending: ['002_extra'] },
    ])
    expect(await migrationsUp(storage, withFailing(false))).toEqual({ executed: ['core/002_extra'] })
    expect(await storage.db.selectFrom('extra').selectAll().execute()).toEqual([{ id: 'x' }])
  })

  it('a failing bootstrap leaves no table and no tracking behind', async () => {
    const failing: MigrationSubsystem[] = [
      {
        name: 'core',
        migrations: [
          {
            name: '001_broken',
            async up(db) {
              await db.schema.createTable('half').addColumn('id', 'text').execute()
              throw new Error('nope')
            },
          },
        ],
      },
    ]
    await expect(migrationsBootstrap(storage, failing)).rejects.toMatchObject({
      message: 'migration core/001_broken failed: nope',
    })
    expect(await tables()).toEqual([])
    expect((await migrationsStatus(storage, failing)).state).toBe('needs_bootstrap')
  })
})
