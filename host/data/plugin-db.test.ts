import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IoRefused } from '../../runtime/isolate/index.ts'
import { createEntities, type Entities } from '../entities/index.ts'
import { loadPluginCatalog, migrationSubsystems, pluginRegistry } from '../plugins/index.ts'
import { migrationsBootstrap, openStorage, type Storage } from '../storage/index.ts'
import { createPluginDb, type PluginDb } from './index.ts'

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/plugins', import.meta.url))

let storage: Storage
let entities: Entities
let db: PluginDb
let ws: string
let cacheDir: string
let writes = 0

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'isogate-plugin-db-'))
  const catalog = await loadPluginCatalog(
    { plugins: ['ledger', 'vault'], plugin_paths: [FIXTURES] },
    { cacheDir },
  )
  storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
  await migrationsBootstrap(storage, migrationSubsystems(catalog))
  const schemas = catalog.plugins.flatMap((plugin) => plugin.daos)
  entities = createEntities(storage, { plugins: pluginRegistry(catalog), schemas })
  db = createPluginDb({ entities, catalog, afterWrite: async () => void writes++ })
  ws = (await entities.workspaceByName('default'))!.id
})
afterAll(async () => {
  await storage?.close()
  rmSync(cacheDir, { recursive: true, force: true })
})

const refusal = async (promise: Promise<unknown>): Promise<IoRefused> => {
  try {
    await promise
  } catch (error) {
    if (error instanceof IoRefused) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('PluginDb', () => {
  it('describes the entities each plugin may use', () => {
    expect(db.entities.map((e) => [e.name, e.plugin])).toEqual([
      ['consumers', null],
      ['services', null],
      ['routes', null],
      // Catalog order: priority, highest first (vault 20, ledger 10).
      ['vault_secrets', 'vault'],
      ['ledger_entries', 'ledger'],
    ])
    expect(db.entities.find((e) => e.name === 'consumers')).toMatchObject({
      unique: ['username', 'custom_id'],
      cacheKey: null,
    })
    expect(db.entities.find((e) => e.name === 'ledger_entries')).toMatchObject({
      unique: ['label'],
      foreign: ['consumer'],
      cacheKey: ['label'],
    })
  })

  it("refuses another plugin's entities, writes to core entities and unknown methods", async () => {
    expect((await refusal(db.perform(ws, 'vault', ['ledger_entries', 'page', {}]))).message).toBe(
      'kong.db.ledger_entries is not available to plugin vault',
    )
    expect(
      (await refusal(db.perform(ws, 'ledger', ['consumers', 'insert', { username: 'x' }]))).message,
    ).toBe('kong.db.consumers.insert: core entities are read-only to plugins')
    expect((await refusal(db.perform(ws, 'ledger', ['ledger_entries', 'drop']))).message).toBe(
      'kong.db.ledger_entries.drop is not a function',
    )
    expect((await refusal(db.perform(ws, 'ledger', ['ledger_entries', 'selectByAmount', 1]))).message).toBe(
      'kong.db.ledger_entries.selectByAmount is not a function',
    )
    expect((await refusal(db.perform(ws, 'ledger', [{}, 'select']))).detail.code).toBe('PDK_REFUSED')
    expect((await refusal(db.perform(ws, 'ledger', ['ledger_entries', 'select', { id: 7 }]))).message).toBe(
      'expected a primary key { id }',
    )
  })

  it("runs writes through the DAO with Kong's errors, in the given workspace only, and publishes them", async () => {
    const before = writes
    const row = (await db.perform(ws, 'ledger', ['ledger_entries', 'insert', { label: 'a' }, {}])) as {
      id: string
    }
    expect(writes).toBe(before + 1)
    const error = await refusal(db.perform(ws, 'ledger', ['ledger_entries', 'insert', { label: 'a' }, {}]))
    expect(error.detail).toMatchObject({ code: 'UNIQUE_VIOLATION', fields: { label: 'a' } })
    const other = (await entities.workspaces.insert('', { name: 'other' })) as { id: string }
    expect(await db.perform(other.id, 'ledger', ['ledger_entries', 'select', { id: row.id }])).toBeNull()
    expect(await db.perform(ws, 'ledger', ['ledger_entries', 'select', row.id])).toMatchObject({ label: 'a' })
    expect(await db.perform(ws, 'ledger', ['ledger_entries', 'delete', { id: row.id }])).toBe(true)
  })
})
