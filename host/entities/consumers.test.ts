import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestEntities, rejection, type TestEntities } from './test-helpers.ts'

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities()
})
afterEach(() => t.close())

describe('consumers', () => {
  it('needs a username or a custom_id', async () => {
    const error = await rejection(t.entities.consumers.insert(t.ws, {}))
    expect(error).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      message: "schema violation (at least one of these fields must be non-empty: 'custom_id', 'username')",
      fields: { '@entity': ["at least one of these fields must be non-empty: 'custom_id', 'username'"] },
    })
    const consumer = await t.entities.consumers.insert(t.ws, { custom_id: 'c1' })
    expect(consumer).toMatchObject({ username: null, custom_id: 'c1', tags: null, ws_id: t.ws })
    const update = await rejection(t.entities.consumers.update(t.ws, consumer.id, { custom_id: null }))
    expect(update.fields).toEqual({
      '@entity': ["when updating, at least one of these fields must be non-empty: 'custom_id', 'username'"],
    })
  })

  it('keeps username and custom_id unique', async () => {
    await t.entities.consumers.insert(t.ws, { username: 'alice', custom_id: 'c1' })
    expect(await rejection(t.entities.consumers.insert(t.ws, { username: 'alice' }))).toMatchObject({
      code: 'UNIQUE_VIOLATION',
      message: 'UNIQUE violation detected on \'{username="alice"}\'',
      fields: { username: 'alice' },
    })
    expect(
      await rejection(t.entities.consumers.insert(t.ws, { username: 'bob', custom_id: 'c1' })),
    ).toMatchObject({
      code: 'UNIQUE_VIOLATION',
      fields: { custom_id: 'c1' },
    })
  })

  it('is addressed by id or username', async () => {
    const consumer = await t.entities.consumers.insert(t.ws, { username: 'alice' })
    expect(await t.entities.consumers.selectByKey(t.ws, 'alice')).toEqual(consumer)
    const renamed = await t.entities.consumers.update(t.ws, 'alice', { username: 'alicia' })
    expect(renamed).toMatchObject({ id: consumer.id, username: 'alicia' })
    const put = await t.entities.consumers.upsert(t.ws, 'carol', {})
    expect(put).toMatchObject({ username: 'carol' })
  })
})
