import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestAdmin, type TestAdmin } from './test-server.ts'

let admin: TestAdmin
beforeAll(async () => {
  admin = await startTestAdmin()
  for (let i = 0; i < 7; i++) {
    const tags = i % 2 === 0 ? ['even', 'all'] : ['odd', 'all']
    await admin.call('POST', '/consumers', { username: `user-${i}`, tags })
  }
})
afterAll(() => admin.close())

describe('pagination and tags', () => {
  it('walks every page by following next, then next is null and offset absent', async () => {
    const seen: string[] = []
    let path: string | null = '/consumers?size=3'
    let pages = 0
    while (path && pages < 10) {
      const page = await admin.call('GET', path)
      expect(page.status).toBe(200)
      seen.push(...page.body.data.map((c: { username: string }) => c.username))
      if (page.body.next) expect(page.body.offset).toEqual(expect.any(String))
      else expect(page.body).not.toHaveProperty('offset')
      path = page.body.next
      pages++
    }
    expect(pages).toBe(3)
    expect(seen.sort()).toEqual(['user-0', 'user-1', 'user-2', 'user-3', 'user-4', 'user-5', 'user-6'])
  })

  it('answers an empty list as data: []', async () => {
    expect((await admin.call('GET', '/services')).body).toEqual({ data: [], next: null })
  })

  it("rejects Kong's invalid sizes and offsets", async () => {
    expect((await admin.call('GET', '/consumers?size=0')).body.code).toBe(9)
    expect((await admin.call('GET', '/consumers?size=abc')).body).toMatchObject({
      code: 9,
      message: 'size must be a number',
    })
    expect((await admin.call('GET', '/consumers?offset=garbage')).status).toBe(400)
  })

  it('filters by tags with and (a,b) and or (a/b)', async () => {
    const names = async (query: string) =>
      (await admin.call('GET', `/consumers?${query}`)).body.data
        .map((c: { username: string }) => c.username)
        .sort()
    expect(await names('tags=even')).toEqual(['user-0', 'user-2', 'user-4', 'user-6'])
    expect(await names('tags=even,odd')).toEqual([])
    expect(await names('tags=even,all')).toEqual(['user-0', 'user-2', 'user-4', 'user-6'])
    expect((await names('tags=even/odd')).length).toBe(7)
    expect((await admin.call('GET', '/consumers?tags=a,b/c')).status).toBe(400)
  })

  it('lists tags with their entities under /tags and /tags/{tag}', async () => {
    const all = await admin.call('GET', '/tags?size=1000')
    expect(all.status).toBe(200)
    expect(all.body.data).toContainEqual(expect.objectContaining({ tag: 'odd', entity_name: 'consumers' }))
    const odd = await admin.call('GET', '/tags/odd')
    expect(odd.body.data).toHaveLength(3)
    expect(new Set(odd.body.data.map((row: { tag: string }) => row.tag))).toEqual(new Set(['odd']))
  })
})
