import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keyAuthDaos } from '../../test/helpers/index.ts'
import { startTestAdmin, type TestAdmin } from './test-server.ts'

let admin: TestAdmin
beforeAll(async () => {
  admin = await startTestAdmin({}, keyAuthDaos)
})
afterAll(() => admin.close())

const consumer = async (username: string) => (await admin.call('POST', '/consumers', { username })).body
const keys = (body: { data: { key: string }[] }) => body.data.map((row) => row.key).sort()

const TTL_ERROR = 'must be an integer between 0 and 100000000'

describe('plugin DAO endpoints', () => {
  it('are generated with the admin API name, the nested name and the foreign entity', async () => {
    const { body } = await admin.call('GET', '/endpoints')
    expect(body.data).toEqual(
      expect.arrayContaining([
        '/key-auths',
        '/key-auths/{keyauth_credentials}',
        '/key-auths/{keyauth_credentials}/consumer',
        '/consumers/{consumers}/key-auth',
        '/consumers/{consumers}/key-auth/{keyauth_credentials}',
      ]),
    )
    expect(body.data).not.toContain('/consumers/{consumers}/key-auths')
    const schema = await admin.call('GET', '/schemas/key-auths')
    expect(schema.body.fields.flatMap((field: object) => Object.keys(field))).not.toContain('ttl')
  })

  it('serve a consumer’s credentials under /consumers/{c}/key-auth, 404 for another consumer’s', async () => {
    const alice = await consumer('nested-alice')
    const bob = await consumer('nested-bob')
    const created = await admin.call('POST', '/consumers/nested-alice/key-auth', { key: 'alice-1' })
    expect(created).toMatchObject({ status: 201, body: { key: 'alice-1', consumer: { id: alice.id } } })
    const bobs = (await admin.call('POST', `/consumers/${bob.id}/key-auth`, { key: 'bob-1' })).body

    const listed = await admin.call('GET', '/consumers/nested-alice/key-auth')
    expect(listed).toMatchObject({ status: 200, body: { next: null } })
    expect(keys(listed.body)).toEqual(['alice-1'])
    expect((await admin.call('GET', '/consumers/nested-alice/key-auth/alice-1')).body.id).toBe(
      created.body.id,
    )
    expect((await admin.call('GET', `/consumers/${alice.id}/key-auth/${created.body.id}`)).status).toBe(200)

    const patched = await admin.call('PATCH', '/consumers/nested-alice/key-auth/alice-1', { tags: ['p'] })
    expect(patched).toMatchObject({ status: 200, body: { tags: ['p'], consumer: { id: alice.id } } })
    const put = await admin.call('PUT', '/consumers/nested-alice/key-auth/alice-2', {})
    expect(put).toMatchObject({ status: 200, body: { key: 'alice-2', consumer: { id: alice.id } } })

    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const body = method === 'PATCH' ? { tags: ['x'] } : undefined
      expect((await admin.call(method, `/consumers/nested-alice/key-auth/${bobs.id}`, body)).status).toBe(404)
      expect((await admin.call(method, '/consumers/nested-alice/key-auth/bob-1', body)).status).toBe(404)
    }
    expect((await admin.call('GET', '/consumers/nobody/key-auth')).status).toBe(404)
    expect((await admin.call('POST', '/consumers/nobody/key-auth', { key: 'x' })).status).toBe(404)
    expect((await admin.call('GET', '/consumers/nobody/key-auth/alice-1')).status).toBe(404)

    expect((await admin.call('DELETE', '/consumers/nested-alice/key-auth/alice-1')).status).toBe(204)
    expect((await admin.call('GET', `/key-auths/${created.body.id}`)).status).toBe(404)
    expect((await admin.call('GET', '/key-auths/bob-1')).body.id).toBe(bobs.id)
  })

  it('reach the credential’s consumer through /key-auths/{id or key}/consumer', async () => {
    const carol = await consumer('carol')
    const credential = (
      await admin.call('POST', '/key-auths', { key: 'carol-1', consumer: { id: carol.id } })
    ).body
    expect(await admin.call('GET', `/key-auths/${credential.id}/consumer`)).toMatchObject({
      status: 200,
      body: { id: carol.id, username: 'carol' },
    })
    expect((await admin.call('GET', '/key-auths/carol-1/consumer')).body.id).toBe(carol.id)
    expect((await admin.call('GET', '/key-auths/missing/consumer')).status).toBe(404)
  })

  it('page with next links under the nested name and the workspace prefix, and filter by tags', async () => {
    await consumer('pager')
    for (const [index, tags] of [['a'], ['a', 'b'], ['b']].entries()) {
      await admin.call('POST', '/consumers/pager/key-auth', { key: `page-${index}`, tags })
    }
    const first = await admin.call('GET', '/consumers/pager/key-auth?size=2')
    expect(first.body.data).toHaveLength(2)
    expect(first.body.next).toBe(
      `/consumers/pager/key-auth?offset=${encodeURIComponent(first.body.offset)}&size=2`,
    )
    const second = await admin.call('GET', first.body.next)
    expect(second.body).toMatchObject({ next: null })
    expect(keys({ data: [...first.body.data, ...second.body.data] })).toEqual(['page-0', 'page-1', 'page-2'])

    const prefixed = await admin.call('GET', '/default/consumers/pager/key-auth?size=1')
    expect(prefixed.body.next).toMatch(/^\/default\/consumers\/pager\/key-auth\?offset=/)
    const top = await admin.call('GET', '/key-auths?size=1&tags=a')
    expect(top.body.next).toMatch(/^\/key-auths\?offset=.+&size=1&tags=a$/)
    expect(keys((await admin.call('GET', '/key-auths?tags=a,b')).body)).toEqual(['page-1'])
    expect(keys((await admin.call('GET', '/key-auths?tags=a/b')).body)).toEqual([
      'page-0',
      'page-1',
      'page-2',
    ])
  })
})

describe('ttl over the Admin API', () => {
  it('shows the seconds left, then the credential is gone once it expires, and its key is free again', async () => {
    await consumer('ttl-user')
    const temporary = await admin.call('POST', '/consumers/ttl-user/key-auth', { key: 'short', ttl: 1 })
    expect(temporary).toMatchObject({ status: 201, body: { key: 'short', ttl: 1 } })
    const lasting = await admin.call('POST', '/key-auths', {
      key: 'long',
      consumer: { username: 'ttl-user' },
    })
    expect(lasting.body).not.toHaveProperty('ttl')
    expect((await admin.call('GET', '/key-auths/short')).body.ttl).toBe(1)

    await new Promise((resolve) => setTimeout(resolve, 1100))
    expect((await admin.call('GET', '/key-auths/short')).status).toBe(404)
    expect((await admin.call('GET', '/consumers/ttl-user/key-auth/short')).status).toBe(404)
    expect(keys((await admin.call('GET', '/consumers/ttl-user/key-auth')).body)).toEqual(['long'])
    const again = await admin.call('POST', '/consumers/ttl-user/key-auth', { key: 'short' })
    expect(again.status).toBe(201)
    expect(again.body.id).not.toBe(temporary.body.id)
  })

  it('takes a form-encoded ttl as a number, and PATCH without ttl keeps it', async () => {
    await consumer('form-user')
    const created = await admin.call('POST', '/consumers/form-user/key-auth', 'key=form-1&ttl=100', {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(created).toMatchObject({ status: 201, body: { key: 'form-1', ttl: expect.any(Number) } })
    const patched = await admin.call('PATCH', '/key-auths/form-1', { tags: ['t'] })
    expect(patched.body.ttl).toBeGreaterThan(90)
  })

  it('rejects a bad ttl on POST, PUT and PATCH with Kong’s invalid options error', async () => {
    await consumer('bad-ttl')
    const expected = {
      code: 11,
      name: 'invalid options',
      message: `invalid option (ttl: ${TTL_ERROR})`,
      fields: { ttl: TTL_ERROR },
    }
    for (const ttl of ['x', -1, 1.5]) {
      const posted = await admin.call('POST', '/consumers/bad-ttl/key-auth', { key: 'bad', ttl })
      expect(posted).toMatchObject({ status: 400, body: expected })
      const put = await admin.call('PUT', '/key-auths/bad', { consumer: { username: 'bad-ttl' }, ttl })
      expect(put).toMatchObject({ status: 400, body: expected })
    }
    await admin.call('POST', '/consumers/bad-ttl/key-auth', { key: 'good' })
    expect(await admin.call('PATCH', '/consumers/bad-ttl/key-auth/good', { ttl: 'x' })).toMatchObject({
      status: 400,
      body: expected,
    })
    expect((await admin.call('GET', '/key-auths/bad')).status).toBe(404)
    // Entities without ttl know no such field.
    expect(await admin.call('POST', '/consumers', { username: 'timed', ttl: 5 })).toMatchObject({
      status: 400,
      body: { code: 2, fields: { ttl: 'unknown field' } },
    })
  })
})
