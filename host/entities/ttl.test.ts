import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keyAuthCredentials, keyAuthDaos } from '../../test/helpers/index.ts'
import type { EntityDao, EntitySchema, Row } from './index.ts'
import { openTestEntities, rejection, type TestEntities } from './test-helpers.ts'

/** A second ttl entity that references credentials through a restricting foreign key. */
const notes: EntitySchema = {
  name: 'credential_notes',
  primaryKey: ['id'],
  workspaceable: true,
  ttl: true,
  fields: [
    { id: { type: 'string', uuid: true, auto: true } },
    { created_at: { type: 'integer', timestamp: true, auto: true } },
    { credential: { type: 'foreign', reference: 'keyauth_credentials', required: true } },
    { text: { type: 'string' } },
  ],
}

let t: TestEntities
let credentials: EntityDao
let consumerId: string
beforeEach(async () => {
  t = await openTestEntities(':memory:', {
    schemas: [keyAuthCredentials, notes],
    migrations: [
      ...keyAuthDaos.migrations,
      {
        name: 'notes',
        migrations: [
          {
            name: '001_notes',
            up: async (db) => {
              await db.schema
                .createTable('credential_notes')
                .addColumn('id', 'text', (c) => c.primaryKey())
                .addColumn('ws_id', 'text', (c) => c.notNull())
                .addColumn('created_at', 'integer')
                .addColumn('credential_id', 'text', (c) => c.references('keyauth_credentials.id'))
                .addColumn('text', 'text')
                .addColumn('ttl', 'integer')
                .execute()
            },
          },
        ],
      },
    ],
  })
  credentials = t.entities.dao('key-auths') as EntityDao
  consumerId = (await t.entities.consumers.insert(t.ws, { username: 'alice' })).id
})
afterEach(() => t.close())

const insert = (key: string, extra: Row = {}) =>
  credentials.insert(t.ws, { consumer: { id: consumerId }, key, ...extra })

/** Moves a row's expiry into the past, as time would. */
const expire = (table: string, id: unknown) =>
  t.storage.db
    .updateTable(table)
    .set({ ttl: Date.now() - 1000 })
    .where('id', '=', id)
    .execute()

const TTL_ERROR = 'must be an integer between 0 and 100000000'

describe('ttl writes', () => {
  it('shows the seconds left only on rows written with a ttl', async () => {
    const lasting = await insert('lasting')
    expect(lasting).not.toHaveProperty('ttl')
    const temporary = await insert('temporary', { ttl: 100 })
    expect(temporary.ttl).toBeGreaterThanOrEqual(99)
    expect(temporary.ttl).toBeLessThanOrEqual(100)
    const read = await credentials.selectByKey(t.ws, 'temporary')
    expect(read?.ttl).toBeGreaterThanOrEqual(99)
    // Host-private: never a field of the schema, and a ttl of 0 means no expiry.
    const fields = (t.entities.kongSchema('key-auths') as { fields: object[] }).fields
    expect(fields.flatMap((field) => Object.keys(field))).not.toContain('ttl')
    expect(await insert('forever', { ttl: 0 })).not.toHaveProperty('ttl')
  })

  it('keeps the expiry on update without ttl, replaces it with one, and upsert without ttl clears it', async () => {
    const row = await insert('k', { ttl: 100 })
    const patched = await credentials.update(t.ws, 'k', { tags: ['a'] })
    expect(patched).toMatchObject({ tags: ['a'], ttl: expect.any(Number) })
    expect((await credentials.update(t.ws, 'k', { ttl: 5000 })).ttl).toBeGreaterThan(4990)
    expect(await credentials.update(t.ws, 'k', { ttl: 0 })).not.toHaveProperty('ttl')
    await credentials.update(t.ws, 'k', { ttl: 100 })
    const replaced = await credentials.upsert(t.ws, row.id as string, {
      consumer: { id: consumerId },
      key: 'k',
    })
    expect(replaced).not.toHaveProperty('ttl')
    expect((await credentials.upsert(t.ws, 'other', { consumer: { id: consumerId }, ttl: 60 })).ttl).toBe(60)
  })

  it('rejects a ttl that is not an integer of 0..100000000 with Kong’s invalid options error', async () => {
    for (const ttl of ['x', -1, 1.5, null, 100_000_001, '10']) {
      const error = await rejection(insert('bad', { ttl }))
      expect(error).toMatchObject({
        code: 'INVALID_OPTIONS',
        message: `invalid option (ttl: ${TTL_ERROR})`,
        fields: { ttl: TTL_ERROR },
      })
    }
    expect(
      (await rejection(credentials.upsert(t.ws, 'bad', { consumer: { id: consumerId }, ttl: -1 }))).fields,
    ).toEqual({
      ttl: TTL_ERROR,
    })
    await insert('good')
    expect((await rejection(credentials.update(t.ws, 'good', { ttl: 'x' }))).code).toBe('INVALID_OPTIONS')
    // Field errors come first, as Kong validates options after the entity.
    expect((await rejection(credentials.insert(t.ws, { key: 'x', ttl: 'x' }))).code).toBe('SCHEMA_VIOLATION')
    // Entities without ttl know no such field.
    expect((await rejection(t.entities.consumers.insert(t.ws, { username: 'bob', ttl: 5 }))).fields).toEqual({
      ttl: 'unknown field',
    })
    expect(await credentials.page(t.ws)).toMatchObject({ data: [{ key: 'good' }] })
  })
})

describe('expired rows', () => {
  it('are never read: by id, by key, in pages, nested pages, tags or foreign keys', async () => {
    const gone = await insert('gone', { ttl: 100, tags: ['t'] })
    const kept = await insert('kept', { tags: ['t'] })
    await expire('keyauth_credentials', gone.id)
    expect(await credentials.select(t.ws, gone.id as string)).toBeNull()
    expect(await credentials.selectByKey(t.ws, 'gone')).toBeNull()
    expect((await credentials.page(t.ws)).data.map((row) => row.key)).toEqual(['kept'])
    const nested = await credentials.page(t.ws, { foreign: { field: 'consumer', id: consumerId } })
    expect(nested.data.map((row) => row.key)).toEqual(['kept'])
    expect((await credentials.page(t.ws, { tags: ['t'] })).data).toHaveLength(1)
    expect((await t.entities.tags(t.ws, { tag: 't' })).data.map((row) => row.entity_id)).toEqual([kept.id])
    const noteDao = t.entities.dao('credential_notes') as EntityDao
    expect((await rejection(noteDao.insert(t.ws, { credential: { id: gone.id } }))).code).toBe(
      'FOREIGN_KEY_VIOLATION',
    )
    expect((await rejection(noteDao.insert(t.ws, { credential: { key: 'gone' } }))).code).toBe(
      'FOREIGN_KEYS_UNRESOLVED',
    )
    expect(await noteDao.insert(t.ws, { credential: { key: 'kept' } })).toMatchObject({
      credential: { id: kept.id },
    })
  })

  it('do not block a new row with the same key, and are deleted with a change event first', async () => {
    const old = await insert('reused', { ttl: 100 })
    await expire('keyauth_credentials', old.id)
    t.events.length = 0
    const fresh = await insert('reused')
    expect(fresh.id).not.toBe(old.id)
    expect(t.events.map((event) => `${event.op} ${event.id}`)).toEqual([
      `delete ${old.id}`,
      `create ${fresh.id}`,
    ])
  })

  it('do not restrict deleting what they reference, and go with it', async () => {
    const credential = await insert('referenced')
    const noteDao = t.entities.dao('credential_notes') as EntityDao
    const note = await noteDao.insert(t.ws, { credential: { id: credential.id }, ttl: 100 })
    expect((await rejection(credentials.delete(t.ws, 'referenced'))).code).toBe('FOREIGN_KEY_VIOLATION')
    await expire('credential_notes', note.id)
    t.events.length = 0
    expect(await credentials.delete(t.ws, 'referenced')).toBe(true)
    expect(t.events.map((event) => `${event.entity} ${event.id}`)).toEqual([
      `credential_notes ${note.id}`,
      `key-auths ${credential.id}`,
    ])
  })
})

describe('purgeExpired', () => {
  it('deletes expired rows with delete events and tells when the next row expires', async () => {
    const gone = await insert('gone', { ttl: 100 })
    await insert('later', { ttl: 300 })
    await insert('never')
    await expire('keyauth_credentials', gone.id)
    t.events.length = 0
    const before = Date.now()
    const result = await t.entities.purgeExpired()
    expect(result.purged).toBe(1)
    expect(result.nextExpiry).toBeGreaterThanOrEqual(before + 299_000)
    expect(result.nextExpiry).toBeLessThanOrEqual(Date.now() + 300_000)
    expect(t.events).toEqual([
      {
        entity: 'key-auths',
        op: 'delete',
        ws_id: t.ws,
        id: gone.id,
        cacheKeys: [`keyauth_credentials:gone:::::${t.ws}`, `keyauth_credentials:${gone.id}:::::${t.ws}`],
      },
    ])
    expect(
      await t.storage.db.selectFrom('keyauth_credentials').select('key').orderBy('key').execute(),
    ).toEqual([{ key: 'later' }, { key: 'never' }])
    t.events.length = 0
    expect(await t.entities.purgeExpired()).toMatchObject({ purged: 0 })
    expect(t.events).toEqual([])
  })

  it('leaves an expired row that a live row still restricts, without failing the rest', async () => {
    const restricted = await insert('restricted', { ttl: 100 })
    const free = await insert('free', { ttl: 100 })
    const noteDao = t.entities.dao('credential_notes') as EntityDao
    await noteDao.insert(t.ws, { credential: { id: restricted.id } })
    await expire('keyauth_credentials', restricted.id)
    await expire('keyauth_credentials', free.id)
    t.events.length = 0
    expect(await t.entities.purgeExpired()).toEqual({ purged: 1, nextExpiry: null })
    expect(t.events.map((event) => event.id)).toEqual([free.id])
    expect(await credentials.selectByKey(t.ws, 'restricted')).toBeNull()
  })
})
