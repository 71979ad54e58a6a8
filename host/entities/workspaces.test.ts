import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestEntities, rejection, type TestEntities } from './test-helpers.ts'

let t: TestEntities
let other: string
beforeEach(async () => {
  t = await openTestEntities()
  other = (await t.entities.workspaces.insert('', { name: 'team-b' })).id
})
afterEach(() => t.close())

describe('workspaces', () => {
  it('are created with Kong fields and found by name', async () => {
    const ws = await t.entities.workspaceByName('team-b')
    expect(ws).toMatchObject({ id: other, name: 'team-b', comment: null, config: null, meta: null })
    expect(await t.entities.workspaceByName('nope')).toBeNull()
    const page = await t.entities.workspaces.page('')
    expect(page.data.map((w) => w.name).sort()).toEqual(['default', 'team-b'])
  })

  it.each(['services', 'routes', 'schemas', 'status', 'plugins', 'workspaces', 'tags'])(
    'refuses the reserved name %s',
    async (name) => {
      const error = await rejection(t.entities.workspaces.insert('', { name }))
      expect(error.code).toBe('SCHEMA_VIOLATION')
      expect((error.fields as { name: string }).name).toMatch(/^must not be one of: workspaces, consumers, /)
    },
  )

  it('keeps entities of one workspace invisible to another', async () => {
    const service = await t.entities.services.insert(t.ws, { name: 'a', host: 'h' })
    const mirror = await t.entities.services.insert(other, { name: 'a', host: 'h2' })
    expect(mirror.ws_id).toBe(other)
    expect(await t.entities.services.select(other, service.id)).toBeNull()
    expect(await t.entities.services.selectByKey(other, 'a')).toEqual(mirror)
    expect((await t.entities.services.page(other)).data).toEqual([mirror])
    expect(await t.entities.services.delete(other, service.id)).toBe(false)
    expect(await rejection(t.entities.services.update(other, service.id, { host: 'x' }))).toMatchObject({
      code: 'NOT_FOUND',
    })
    // A foreign key must point into the same workspace.
    const error = await rejection(
      t.entities.routes.insert(other, { paths: ['/x'], service: { id: service.id } }),
    )
    expect(error.code).toBe('FOREIGN_KEY_VIOLATION')
    await t.entities.services.insert(t.ws, { host: 'h', tags: ['shared'] })
    expect((await t.entities.tags(other, {})).data).toEqual([])
  })

  it('refuses writes to an unknown workspace', async () => {
    const error = await rejection(
      t.entities.services.insert('5e3a4c1b-0000-4000-8000-000000000001', { host: 'h' }),
    )
    expect(error).toMatchObject({ code: 'INVALID_WORKSPACE' })
  })

  it('can be deleted only when empty, and never the default one', async () => {
    const service = await t.entities.services.insert(other, { host: 'h' })
    expect(await rejection(t.entities.workspaces.delete('', 'team-b'))).toMatchObject({
      code: 'REFERENCED_BY_OTHERS',
      message: 'Workspace is not empty',
    })
    await t.entities.services.delete(other, service.id)
    expect(await t.entities.workspaces.delete('', 'team-b')).toBe(true)
    expect(await rejection(t.entities.workspaces.delete('', 'default'))).toMatchObject({
      code: 'REFERENCED_BY_OTHERS',
    })
  })
})

describe('route collisions across workspaces', () => {
  const collision = { code: 'UNIQUE_VIOLATION', message: 'API route collides with an existing API' }

  it('refuses a route that would take traffic of another workspace', async () => {
    await t.entities.routes.insert(t.ws, { hosts: ['api.test'], paths: ['/'] })
    expect(
      await rejection(t.entities.routes.insert(other, { hosts: ['api.test'], paths: ['/orders'] })),
    ).toMatchObject(collision)
    expect(
      await rejection(t.entities.routes.insert(other, { hosts: ['api.test'], paths: ['/'] })),
    ).toMatchObject(collision)
    // Another host, or a route the existing one keeps winning against, is fine.
    await t.entities.routes.insert(other, { hosts: ['b.test'], paths: ['/orders'] })
    await t.entities.routes.insert(other, { paths: ['/orders'] })
  })

  it('treats a catch-all route as owning every path', async () => {
    await t.entities.routes.insert(t.ws, { paths: ['/'] })
    expect(await rejection(t.entities.routes.insert(other, { paths: ['/foo'] }))).toMatchObject(collision)
    expect(await rejection(t.entities.routes.insert(other, { methods: ['GET'] }))).toMatchObject(collision)
  })

  it('compares wildcard hosts, methods, headers and regex paths', async () => {
    await t.entities.routes.insert(t.ws, {
      hosts: ['*.shop.test'],
      methods: ['POST'],
      paths: ['~/v\\d+/cart'],
    })
    expect(
      await rejection(t.entities.routes.insert(other, { hosts: ['eu.shop.test'], paths: ['/v2/cart'] })),
    ).toMatchObject(collision)
    await t.entities.routes.insert(other, { hosts: ['eu.shop.test'], methods: ['GET'], paths: ['/v2/cart'] })
    await t.entities.routes.insert(other, { hosts: ['eu.shop.test'], paths: ['/v2/list'] })
    await t.entities.routes.insert(t.ws, { hosts: ['h.test'], headers: { 'x-tenant': ['a'] } })
    await t.entities.routes.insert(other, { hosts: ['h.test'], headers: { 'x-tenant': ['b'] } })
    expect(
      await rejection(t.entities.routes.insert(other, { hosts: ['h.test'], headers: { 'X-Tenant': ['A'] } })),
    ).toMatchObject(collision)
  })

  it('checks updates too, and never within one workspace', async () => {
    await t.entities.routes.insert(t.ws, { hosts: ['api.test'] })
    await t.entities.routes.insert(t.ws, { hosts: ['api.test'], paths: ['/same-workspace'] })
    const route = await t.entities.routes.insert(other, { hosts: ['b.test'] })
    expect(await rejection(t.entities.routes.update(other, route.id, { hosts: ['api.test'] }))).toMatchObject(
      collision,
    )
    expect(await t.entities.routes.update(other, route.id, { hosts: ['c.test'] })).toMatchObject({
      hosts: ['c.test'],
    })
  })
})
