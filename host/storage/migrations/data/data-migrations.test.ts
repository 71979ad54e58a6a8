import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEntities, type PluginRegistry } from '../../../entities/index.ts'
import {
  coreMigrations,
  type MigrationSubsystem,
  migrationsBootstrap,
  migrationsList,
  migrationsStatus,
  migrationsUp,
  openStorage,
  type Storage,
} from '../../index.ts'
import { dataMigrations } from './index.ts'
import { base, daos, migrations } from './test-fixtures.ts'

const subsystems = (plugin = dataMigrations('key-auth', migrations, daos)): MigrationSubsystem[] => [
  { name: 'core', migrations: coreMigrations },
  plugin,
]

const now = () => Math.floor(Date.now() / 1000)

let storage: Storage
let ws: string
beforeEach(async () => {
  storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
  await migrationsBootstrap(storage, subsystems())
  ws = (await storage.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id
})
afterEach(() => storage.close())

async function columns(table: string) {
  const found = (await storage.db.introspection.getTables()).find((candidate) => candidate.name === table)
  return Object.fromEntries(
    (found?.columns ?? []).map((column) => [
      column.name,
      `${column.dataType.toLowerCase()}${column.isNullable ? '' : ' not null'}${column.hasDefaultValue ? ' default' : ''}`,
    ]),
  )
}

/** Index name → `unique? (columns)`, the ones created by name (not SQLite's automatic ones). */
async function indexes(table: string) {
  const list = (await sql.raw(`pragma index_list('${table}')`).execute(storage.db)).rows as {
    name: string
    unique: number
  }[]
  const result: Record<string, string> = {}
  for (const index of list) {
    const info = (await sql.raw(`pragma index_info('${index.name}')`).execute(storage.db)).rows as {
      name: string
    }[]
    const key = index.name.startsWith('sqlite_autoindex')
      ? `auto ${info.map((c) => c.name).join(',')}`
      : index.name
    result[key] = `${index.unique ? 'unique ' : ''}(${info.map((c) => c.name).join(', ')})`
  }
  return result
}

async function workspace(name: string) {
  const id = randomUUID()
  await storage.db
    .insertInto('workspaces')
    .values({ id, name, created_at: now(), updated_at: now() })
    .execute()
  return id
}

async function consumer(wsId: string, username: string) {
  const id = randomUUID()
  await storage.db
    .insertInto('consumers')
    .values({ id, ws_id: wsId, username, created_at: now(), updated_at: now() })
    .execute()
  return id
}

const credential = (wsId: string, consumerId: string, values: Record<string, unknown> = {}) =>
  storage.db
    .insertInto('keyauth_credentials')
    .values({ id: randomUUID(), ws_id: wsId, consumer_id: consumerId, key: randomUUID(), ...values })
    .execute()

describe('plugin migrations as data', () => {
  it('createTable, addColumn and createIndex make the columns and indexes they declare', async () => {
    expect(await columns('keyauth_credentials')).toEqual({
      id: 'text not null',
      created_at: 'integer',
      consumer_id: 'text not null',
      key: 'text not null',
      tags: 'text',
      ws_id: 'text not null',
      ttl: 'integer',
      last_used: 'integer',
      note: 'text not null default',
      label: 'text',
    })
    expect(await indexes('keyauth_credentials')).toEqual({
      keyauth_credentials_consumer_id_idx: '(consumer_id)',
      keyauth_credentials_ttl_idx: '(ttl)',
      keyauth_credentials_label_idx: 'unique (ws_id, label)',
      'auto ws_id,key': 'unique (ws_id, key)',
      'auto id': 'unique (id)',
    })
    expect(await indexes('acls')).toEqual({
      acls_group_idx: '(group)',
      'auto ws_id,cache_key': 'unique (ws_id, cache_key)',
      'auto id': 'unique (id)',
    })
  })

  it('maps every column type to its SQLite type, as the generic DAO stores values', async () => {
    // text, integer, number, boolean, uuid, json, timestamp → text, integer, real, integer, text, text, integer
    expect(await columns('ratelimit_counters')).toEqual({
      id: 'text not null',
      hits: 'integer not null default',
      ratio: 'real',
      enabled: 'integer default',
      meta: 'text default',
      seen_at: 'integer',
    })
    await storage.db.insertInto('ratelimit_counters').values({ id: 'c1' }).execute()
    expect(await storage.db.selectFrom('ratelimit_counters').selectAll().execute()).toEqual([
      { id: 'c1', hits: 0, ratio: null, enabled: 1, meta: '{}', seen_at: null },
    ])
  })

  it('unique sets and unique indexes hold per workspace', async () => {
    const other = await workspace('other')
    const [alice, bob] = [await consumer(ws, 'alice'), await consumer(other, 'bob')]
    await credential(ws, alice, { key: 'k', label: 'l' })
    await credential(other, bob, { key: 'k', label: 'l' })
    await expect(credential(ws, alice, { key: 'k' })).rejects.toThrow(
      'UNIQUE constraint failed: keyauth_credentials.ws_id, keyauth_credentials.key',
    )
    await expect(credential(ws, alice, { label: 'l' })).rejects.toThrow(
      'UNIQUE constraint failed: keyauth_credentials.ws_id, keyauth_credentials.label',
    )
  })

  it('adds ws_id (cascading with its workspace), ttl and cache_key where the DAO needs them', async () => {
    expect(Object.keys(await columns('ratelimit_counters'))).not.toContain('ws_id')
    expect(Object.keys(await columns('acls'))).not.toContain('ttl')
    const other = await workspace('other')
    const carol = await consumer(other, 'carol')
    await expect(credential(randomUUID(), carol)).rejects.toThrow('FOREIGN KEY constraint failed')
    await credential(other, carol, { ttl: Date.now() + 60_000 })

    const acl = (wsId: string, cacheKey: string) =>
      storage.db
        .insertInto('acls')
        .values({ id: randomUUID(), ws_id: wsId, group: 'g', cache_key: cacheKey })
        .execute()
    await acl(ws, 'c:g')
    await acl(other, 'c:g')
    await expect(acl(ws, 'c:g')).rejects.toThrow('UNIQUE constraint failed: acls.ws_id, acls.cache_key')

    await storage.db.deleteFrom('consumers').where('ws_id', '=', other).execute()
    await storage.db.deleteFrom('workspaces').where('id', '=', other).execute()
    expect(await storage.db.selectFrom('acls').select('ws_id').execute()).toEqual([{ ws_id: ws }])
  })

  it('references become foreign keys with their delete rule', async () => {
    await expect(credential(ws, randomUUID())).rejects.toThrow('FOREIGN KEY constraint failed')
    const alice = await consumer(ws, 'alice')
    await credential(ws, alice)
    await storage.db.deleteFrom('consumers').where('id', '=', alice).execute()
    expect(await storage.db.selectFrom('keyauth_credentials').selectAll().execute()).toEqual([])
  })

  it('the generic DAO reads and writes the tables the migrations made', async () => {
    const plugins: PluginRegistry = {
      has: () => false,
      validateConfig: () => ({ ok: true, config: {} }),
      scoping: () => ({}),
    }
    const entities = createEntities(storage, { plugins, schemas: daos })
    const alice = await entities.consumers.insert(ws, { username: 'alice' })
    const key = await entities.dao('keyauth_credentials')?.insert(ws, {
      consumer: { id: alice.id },
      key: 'secret',
      tags: ['a'],
      ttl: 100,
    })
    expect(key).toMatchObject({ consumer: { id: alice.id }, key: 'secret', tags: ['a'], ttl: 100 })
    const acls = entities.dao('acls')
    await acls?.insert(ws, { consumer: { id: alice.id }, group: 'admins' })
    await expect(acls?.insert(ws, { consumer: { id: alice.id }, group: 'admins' })).rejects.toMatchObject({
      code: 'UNIQUE_VIOLATION',
    })
    const counter = await entities.dao('ratelimit_counters')?.insert(ws, { ratio: 0.5, meta: { a: 'b' } })
    expect(counter).toMatchObject({ hits: 0, ratio: 0.5, enabled: true, meta: { a: 'b' } })
  })

  it('running up again changes nothing', async () => {
    const before = await storage.db.introspection.getTables()
    expect(await migrationsUp(storage, subsystems())).toEqual({ executed: [] })
    expect(await storage.db.introspection.getTables()).toEqual(before)
    expect((await migrationsStatus(storage, subsystems())).state).toBe('up_to_date')
    expect((await migrationsList(storage, subsystems()))[1]).toEqual({
      subsystem: 'key-auth',
      executed: ['000_base', '001_counters'],
      pending: [],
    })
  })
})

describe('a plugin migration failing half-way', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'isogate-data-migrations-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('leaves none of its tables behind and names plugin, migration, step and cause', async () => {
    const path = join(dir, 'isogate.db')
    const file = await openStorage({ dialect: 'sqlite', path })
    await migrationsBootstrap(file)
    // A leftover table the plugin's third step wants to create: the first two steps already ran.
    await file.db.schema.createTable('acls').addColumn('id', 'text').execute()
    const plugin = dataMigrations('key-auth', [{ name: '000_base', value: base }], daos.slice(0, 2))
    await expect(migrationsUp(file, subsystems(plugin))).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      message: `migration key-auth/000_base failed: up[2]: createTable 'acls': table "acls" already exists`,
    })
    await file.close()

    const reopened = await openStorage({ dialect: 'sqlite', path })
    try {
      const names = (await reopened.db.introspection.getTables()).map((table) => table.name)
      expect(names).toContain('acls')
      expect(names).not.toContain('keyauth_credentials')
      expect((await sql`pragma index_list('acls')`.execute(reopened.db)).rows).toEqual([])
      expect(await migrationsList(reopened, subsystems(plugin))).toEqual([
        { subsystem: 'core', executed: ['001_base'], pending: [] },
        { subsystem: 'key-auth', executed: [], pending: ['000_base'] },
      ])
      await reopened.db.schema.dropTable('acls').execute()
      expect(await migrationsUp(reopened, subsystems(plugin))).toEqual({ executed: ['key-auth/000_base'] })
    } finally {
      await reopened.close()
    }
  })
})
