import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keyAuthDaos } from '../../test/helpers/index.ts'
import type { ChangeEvent, EntityDao } from './index.ts'
import { startTtlPurger } from './index.ts'
import { openTestEntities, type TestEntities } from './test-helpers.ts'

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities(':memory:', keyAuthDaos)
})
afterEach(() => t.close())

/** Resolves with the first event that matches, or null after `limitMs` (polled, bounded). */
async function eventually(events: ChangeEvent[], match: (event: ChangeEvent) => boolean, limitMs: number) {
  for (let waited = 0; waited <= limitMs; waited += 50) {
    const found = events.find(match)
    if (found) return found
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return null
}

describe('startTtlPurger', () => {
  it('deletes a row when it expires, armed by the change that wrote it', async () => {
    const credentials = t.entities.dao('key-auths') as EntityDao
    const consumer = await t.entities.consumers.insert(t.ws, { username: 'alice' })
    // Started before the write: only the write's change event can bring the timer this close.
    const purger = startTtlPurger(t.entities, { maxIntervalMs: 60_000 })
    try {
      const row = await credentials.insert(t.ws, { consumer: { id: consumer.id }, key: 'brief', ttl: 1 })
      await credentials.insert(t.ws, { consumer: { id: consumer.id }, key: 'lasting' })
      const deleted = await eventually(t.events, (event) => event.op === 'delete', 3000)
      expect(deleted).toMatchObject({
        entity: 'key-auths',
        id: row.id,
        cacheKeys: [`keyauth_credentials:brief:::::${t.ws}`, `keyauth_credentials:${row.id}:::::${t.ws}`],
      })
      const left = await t.storage.db.selectFrom('keyauth_credentials').select('key').execute()
      expect(left).toEqual([{ key: 'lasting' }])
    } finally {
      purger.stop()
    }
  })
})
