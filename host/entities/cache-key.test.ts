import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { keyAuthCredentials, keyAuthDaos } from '../../test/helpers/index.ts'
import { type EntityDao, entityCacheKeys, kongCacheKey } from './index.ts'
import { pluginsSchema } from './schemas/plugins.ts'
import { workspacesSchema } from './schemas/workspaces.ts'
import { openTestEntities, type TestEntities } from './test-helpers.ts'

describe('kongCacheKey and entityCacheKeys', () => {
  it('fill five slots and end with the workspace id, as Kong 3.x does', () => {
    expect(kongCacheKey('consumers', ['X'], 'W')).toBe('consumers:X:::::W')
    expect(kongCacheKey('plugins', ['rate-limiting', { id: 'R' }, null, undefined], 'W')).toBe(
      'plugins:rate-limiting:R::::W',
    )
    expect(kongCacheKey('workspaces', ['default'], null)).toBe('workspaces:default:::::')
  })

  it('give the key by cache key fields and by primary key, deduplicated', () => {
    const credential = { id: 'I', key: 'abc', consumer: { id: 'C' }, ws_id: 'W' }
    expect(entityCacheKeys(keyAuthCredentials, credential)).toEqual([
      'keyauth_credentials:abc:::::W',
      'keyauth_credentials:I:::::W',
    ])
    const plugin = { id: 'P', name: 'cors', route: null, service: { id: 'S' }, consumer: null, ws_id: 'W' }
    expect(entityCacheKeys(pluginsSchema, plugin)).toEqual(['plugins:cors::S:::W', 'plugins:P:::::W'])
    // A list cached per parent (acl's groups per consumer) is dropped too.
    const acl = {
      ...keyAuthCredentials,
      name: 'acls',
      cacheKey: ['consumer', 'key'],
      alsoInvalidates: [['consumer']],
    }
    expect(entityCacheKeys(acl, credential)).toEqual(['acls:C:abc::::W', 'acls:I:::::W', 'acls:C:::::W'])
    // Outside workspaces the last slot stays empty.
    expect(entityCacheKeys(workspacesSchema, { id: 'I', name: 'default' })).toEqual([
      'workspaces:default:::::',
      'workspaces:I:::::',
    ])
    expect(entityCacheKeys({ ...keyAuthCredentials, cacheKey: ['id'] }, credential)).toEqual([
      'keyauth_credentials:I:::::W',
    ])
  })
})

describe('change events', () => {
  let t: TestEntities
  let credentials: EntityDao
  beforeEach(async () => {
    t = await openTestEntities(':memory:', keyAuthDaos)
    credentials = t.entities.dao('key-auths') as EntityDao
  })
  afterEach(() => t.close())

  it('carry the cache keys of the row before and after the change', async () => {
    const consumer = await t.entities.consumers.insert(t.ws, { username: 'alice' })
    const credential = await credentials.insert(t.ws, { consumer: { id: consumer.id }, key: 'abc' })
    const byId = `keyauth_credentials:${credential.id}:::::${t.ws}`
    await credentials.update(t.ws, 'abc', { key: 'def' })
    await credentials.upsert(t.ws, credential.id as string, { consumer: { id: consumer.id }, key: 'def' })
    await credentials.delete(t.ws, 'def')
    expect(t.events.map((event) => [event.op, event.cacheKeys])).toEqual([
      ['create', [`consumers:${consumer.id}:::::${t.ws}`]],
      ['create', [`keyauth_credentials:abc:::::${t.ws}`, byId]],
      ['update', [`keyauth_credentials:abc:::::${t.ws}`, byId, `keyauth_credentials:def:::::${t.ws}`]],
      ['update', [`keyauth_credentials:def:::::${t.ws}`, byId]],
      ['delete', [`keyauth_credentials:def:::::${t.ws}`, byId]],
    ])
  })

  it('of cascaded deletes carry their rows’ keys', async () => {
    const consumer = await t.entities.consumers.insert(t.ws, { username: 'bob' })
    const credential = await credentials.insert(t.ws, { consumer: { id: consumer.id }, key: 'k' })
    t.events.length = 0
    await t.entities.consumers.delete(t.ws, 'bob')
    expect(t.events).toEqual([
      {
        entity: 'key-auths',
        op: 'delete',
        ws_id: t.ws,
        id: credential.id,
        cacheKeys: [`keyauth_credentials:k:::::${t.ws}`, `keyauth_credentials:${credential.id}:::::${t.ws}`],
      },
      {
        entity: 'consumers',
        op: 'delete',
        ws_id: t.ws,
        id: consumer.id,
        cacheKeys: [`consumers:${consumer.id}:::::${t.ws}`],
      },
    ])
  })
})
