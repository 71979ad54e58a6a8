import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keyAuthDaos } from '../../test/helpers/index.ts'
import { openTestEntities, rejection, type TestEntities } from './test-helpers.ts'

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities(':memory:', keyAuthDaos)
})
afterEach(() => t.close())

describe('plugin DAOs', () => {
  it('get the generic DAO: validation, unique keys, foreign keys and cascades', async () => {
    const { entities, ws } = t
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

  it('are paged and filtered by tags like core entities, tags listed under their table name', async () => {
    const { entities, ws } = t
    const dao = entities.dao('key-auths')
    if (!dao) throw new Error('no key-auths DAO')
    await entities.consumers.insert(ws, { username: 'alice' })
    for (const [index, tags] of [['a'], ['a', 'b'], ['b']].entries()) {
      await dao.insert(ws, { consumer: { username: 'alice' }, key: `k${index}`, tags })
    }
    const first = await dao.page(ws, { size: 2 })
    expect(first.data).toHaveLength(2)
    const second = await dao.page(ws, { size: 2, offset: first.offset as string })
    expect(second).toMatchObject({ offset: null })
    expect([...first.data, ...second.data].map((row) => row.key).sort()).toEqual(['k0', 'k1', 'k2'])
    const both = await dao.page(ws, { tags: ['a', 'b'], tagsMode: 'and' })
    expect(both.data.map((row) => row.key)).toEqual(['k1'])
    const tagged = await entities.tags(ws, { tag: 'b' })
    expect(tagged.data.map((row) => row.entity_name)).toEqual(['keyauth_credentials', 'keyauth_credentials'])
  })
})
