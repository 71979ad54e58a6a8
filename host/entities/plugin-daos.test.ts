import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { migrationsBootstrap, migrationsUp, openStorage, type Storage } from '../storage/index.ts'
import { createEntities, type Entities, type EntitySchema } from './index.ts'
import { rejection, testRegistry } from './test-helpers.ts'

/** A key-auth credential DAO as a plugin would declare it. */
const keyAuthCredentials: EntitySchema = {
  name: 'keyauth_credentials',
  adminApiName: 'key-auths',
  primaryKey: ['id'],
  endpointKey: 'key',
  workspaceable: true,
  fields: [
    { id: { type: 'string', uuid: true, auto: true } },
    { created_at: { type: 'integer', timestamp: true, auto: true } },
    { consumer: { type: 'foreign', reference: 'consumers', required: true, on_delete: 'cascade' } },
    { key: { type: 'string', required: true, unique: true } },
    { tags: { type: 'set', elements: { type: 'string' } } },
  ],
}

let storage: Storage
let entities: Entities
let ws: string
beforeEach(async () => {
  storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
  await migrationsBootstrap(storage)
  await migrationsUp(storage, [
    {
      name: 'key-auth',
      migrations: [
        {
          name: '001_credentials',
          up: (db) =>
            db.schema
              .createTable('keyauth_credentials')
              .addColumn('id', 'text', (c) => c.primaryKey())
              .addColumn('ws_id', 'text', (c) => c.notNull().references('workspaces.id'))
              .addColumn('created_at', 'integer')
              .addColumn('consumer_id', 'text', (c) => c.references('consumers.id').onDelete('cascade'))
              .addColumn('key', 'text')
              .addColumn('tags', 'text')
              .addUniqueConstraint('keyauth_ws_key', ['ws_id', 'key'])
              .execute(),
        },
      ],
    },
  ])
  entities = createEntities(storage, { plugins: testRegistry, schemas: [keyAuthCredentials] })
  ws = (await entities.workspaceByName('default'))?.id as string
})
afterEach(() => storage.close())

describe('plugin DAOs', () => {
  it('get the generic DAO: validation, unique keys, foreign keys and cascades', async () => {
    const dao = entities.dao('key-auths')
    if (!dao) throw new Error('no key-auths DAO')
    expect(entities.schemaNames()).toContain('key-auths')
    const consumer = await entities.consumers.insert(ws, { username: 'alice' })
    const credential = await dao.insert(ws, { consumer: { username: 'alice' }, key: 'secret' })
    expect(credential).toMatchObject({ consumer: { id: consumer.id }, key: 'secret', tags: null, ws_id: ws })
    expect(await dao.selectByKey(ws, 'secret')).toEqual(credential)
    expect((await rejection(dao.insert(ws, { consumer: { id: consumer.id }, key: 'secret' }))).code).toBe(
      'UNIQUE_VIOLATION',
    )
    expect((await rejection(dao.insert(ws, { key: 'other' }))).fields).toEqual({
      consumer: 'required field missing',
    })
    const page = await dao.page(ws, { foreign: { field: 'consumer', id: consumer.id } })
    expect(page.data).toEqual([credential])
    await entities.consumers.delete(ws, 'alice')
    expect(await dao.selectByKey(ws, 'secret')).toBeNull()
  })
})
