import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestAdmin, type TestAdmin } from './test-server.ts'

let admin: TestAdmin
beforeAll(async () => {
  admin = await startTestAdmin()
})
afterAll(() => admin.close())

describe('workspaces', () => {
  it('keeps entities of one workspace invisible to another, with the same names', async () => {
    expect((await admin.call('POST', '/workspaces', { name: 'team-a' })).status).toBe(201)
    const inA = await admin.call('POST', '/team-a/services', { name: 'shared', host: 'a.local' })
    const inDefault = await admin.call('POST', '/services', { name: 'shared', host: 'default.local' })
    expect(inA.status).toBe(201)
    expect(inDefault.status).toBe(201)
    expect(inA.body.id).not.toBe(inDefault.body.id)

    expect((await admin.call('GET', '/team-a/services/shared')).body.host).toBe('a.local')
    expect((await admin.call('GET', '/services/shared')).body.host).toBe('default.local')
    expect((await admin.call('GET', `/team-a/services/${inDefault.body.id}`)).status).toBe(404)
    expect((await admin.call('GET', '/default/services/shared')).body.id).toBe(inDefault.body.id)

    const listed = await admin.call('GET', '/team-a/services')
    expect(listed.body.data.map((s: { id: string }) => s.id)).toEqual([inA.body.id])

    // A route of one workspace cannot point at another workspace's service.
    const crossing = await admin.call('POST', '/team-a/routes', {
      paths: ['/x'],
      service: { id: inDefault.body.id },
    })
    expect(crossing.status).toBe(400)
  })

  it('keeps the workspace prefix in next links', async () => {
    await admin.call('POST', '/workspaces', { name: 'paged' })
    for (const name of ['p1', 'p2', 'p3']) await admin.call('POST', '/paged/consumers', { username: name })
    const first = await admin.call('GET', '/paged/consumers?size=2')
    expect(first.body.next).toMatch(/^\/paged\/consumers\?offset=.+&size=2$/)
    const second = await admin.call('GET', first.body.next)
    expect(second.body.data).toHaveLength(1)
  })

  it('answers 404 for an unknown workspace and refuses names that collide with paths', async () => {
    expect(await admin.call('GET', '/nowhere/services')).toMatchObject({
      status: 404,
      body: { message: 'Not found' },
    })
    expect((await admin.call('POST', '/nowhere/services', { host: 'x.local' })).status).toBe(404)
    const reserved = await admin.call('POST', '/workspaces', { name: 'services' })
    expect(reserved.status).toBe(400)
    expect(reserved.body.fields).toHaveProperty('name')
  })

  it('lists, reads and renames workspaces', async () => {
    const created = (await admin.call('POST', '/workspaces', { name: 'renamed-later' })).body
    const names = (await admin.call('GET', '/workspaces')).body.data.map((w: { name: string }) => w.name)
    expect(names).toEqual(expect.arrayContaining(['default', 'renamed-later']))
    expect((await admin.call('GET', '/workspaces/renamed-later')).body.id).toBe(created.id)
    expect((await admin.call('PATCH', '/workspaces/renamed-later', { comment: 'hi' })).body.comment).toBe(
      'hi',
    )
  })
})
