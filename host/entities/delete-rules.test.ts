import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EntitySchema } from './index.ts'
import { openTestEntities, type TestEntities } from './test-helpers.ts'

/** A plugin entity whose route reference is cleared when the route goes (Kong's `on_delete = "null"`). */
const notes: EntitySchema = {
  name: 'notes',
  primaryKey: ['id'],
  workspaceable: true,
  fields: [
    { id: { type: 'string', uuid: true, auto: true } },
    { created_at: { type: 'integer', timestamp: true, auto: true } },
    { route: { type: 'foreign', reference: 'routes', on_delete: 'null' } },
    { text: { type: 'string' } },
  ],
}

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities(':memory:', {
    schemas: [notes],
    migrations: [
      {
        name: 'notes',
        migrations: [
          {
            name: '000_base',
            up: (db) =>
              db.schema
                .createTable('notes')
                .addColumn('id', 'text', (c) => c.primaryKey())
                .addColumn('ws_id', 'text', (c) => c.notNull())
                .addColumn('created_at', 'integer')
                .addColumn('route_id', 'text', (c) => c.references('routes.id').onDelete('set null'))
                .addColumn('text', 'text')
                .execute(),
          },
        ],
      },
    ],
  })
})
afterEach(() => t.close())

describe('delete rules', () => {
  it('clear a `null` foreign key instead of refusing the delete, with an update event', async () => {
    const route = await t.entities.routes.insert(t.ws, { name: 'r', paths: ['/r'] })
    const note = (await t.entities.dao('notes')!.insert(t.ws, { route: { id: route.id }, text: 'hi' })) as any
    t.events.length = 0
    expect(await t.entities.routes.delete(t.ws, 'r')).toBe(true)
    expect(await t.entities.dao('notes')!.select(t.ws, note.id)).toMatchObject({ route: null, text: 'hi' })
    expect(t.events.map((event) => [event.entity, event.op, event.id])).toEqual([
      ['notes', 'update', note.id],
      ['routes', 'delete', route.id],
    ])
  })
})
