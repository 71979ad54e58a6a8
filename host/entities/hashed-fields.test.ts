import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyPassword } from '../crypto/index.ts'
import type { EntitySchema } from './index.ts'
import { openTestEntities, type TestEntities } from './test-helpers.ts'

const secrets: EntitySchema = {
  name: 'secrets',
  primaryKey: ['id'],
  endpointKey: 'username',
  workspaceable: true,
  fields: [
    { id: { type: 'string', uuid: true, auto: true } },
    { created_at: { type: 'integer', timestamp: true, auto: true } },
    { username: { type: 'string', required: true, unique: true } },
    { password: { type: 'string', required: true, hashed: true } },
  ],
}

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities(':memory:', {
    schemas: [secrets],
    migrations: [
      {
        name: 'secrets',
        migrations: [
          {
            name: '000_base',
            up: (db) =>
              db.schema
                .createTable('secrets')
                .addColumn('id', 'text', (c) => c.primaryKey())
                .addColumn('ws_id', 'text', (c) => c.notNull())
                .addColumn('created_at', 'integer')
                .addColumn('username', 'text')
                .addColumn('password', 'text')
                .execute(),
          },
        ],
      },
    ],
  })
})
afterEach(() => t.storage.close())

describe('hashed fields', () => {
  it('store and answer a scrypt hash, never the clear value; PATCH keeps or rehashes it', async () => {
    const dao = t.entities.dao('secrets')!
    const created = (await dao.insert(t.ws, { username: 'ann', password: 'open sesame' })) as any
    expect(created.password).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/)
    expect(await verifyPassword('open sesame', created.password)).toBe(true)
    const stored = await t.storage.db.selectFrom('secrets').select('password').executeTakeFirstOrThrow()
    expect(stored.password).toBe(created.password)
    expect(JSON.stringify(await dao.page(t.ws))).not.toContain('open sesame')

    const renamed = (await dao.update(t.ws, 'ann', { username: 'anne' })) as any
    expect(renamed.password).toBe(created.password)
    const changed = (await dao.update(t.ws, 'anne', { password: 'new one' })) as any
    expect(changed.password).not.toBe(created.password)
    expect(await verifyPassword('new one', changed.password)).toBe(true)
  })

  it('keeps a value that already is such a hash (an export imported again), and validates types', async () => {
    const dao = t.entities.dao('secrets')!
    const hash = ((await dao.insert(t.ws, { username: 'a', password: 'pw' })) as any).password
    const copy = (await dao.upsert(t.ws, 'b', { password: hash })) as any
    expect(copy.password).toBe(hash)
    await expect(dao.insert(t.ws, { username: 'c', password: 42 })).rejects.toMatchObject({
      code: 'SCHEMA_VIOLATION',
      fields: { password: 'expected a string' },
    })
  })
})
