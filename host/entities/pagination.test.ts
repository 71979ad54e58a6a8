import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Service } from './index.ts'
import { openTestEntities, rejection, type TestEntities } from './test-helpers.ts'

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities()
})
afterEach(() => t.close())

async function allPages(size: number, options: Record<string, unknown> = {}): Promise<string[][]> {
  const pages: string[][] = []
  let offset: string | undefined
  for (let i = 0; i < 20; i++) {
    const page = await t.entities.services.page(t.ws, { size, ...options, ...(offset ? { offset } : {}) })
    pages.push(page.data.map((service: Service) => service.name as string))
    if (page.offset === null) return pages
    offset = page.offset
  }
  throw new Error('too many pages')
}

describe('pagination', () => {
  it('walks every row exactly once across pages', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `s${i}`)
    for (const name of names) await t.entities.services.insert(t.ws, { name, host: 'h' })
    const pages = await allPages(3)
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1])
    expect(pages.flat().sort()).toEqual(names)
    expect(await allPages(7)).toHaveLength(1)
    const first = await t.entities.services.page(t.ws)
    expect(first.data).toHaveLength(7)
    expect(first.offset).toBeNull()
  })

  it.each([0, 1001, 1.5, Number.NaN])('refuses size %s', async (size) => {
    expect(await rejection(t.entities.services.page(t.ws, { size }))).toMatchObject({
      code: 'INVALID_SIZE',
      message: 'size must be an integer between 1 and 1000',
    })
  })

  it.each(['%%%', 'bm90IGpzb24=', 'WzEsMl0='])('refuses offset %s', async (offset) => {
    const error = await rejection(t.entities.services.page(t.ws, { offset }))
    expect(error.code).toBe('INVALID_OFFSET')
    expect(error.message).toMatch(new RegExp(`^'${offset.replace(/[+*]/g, '\\$&')}' is not a valid offset: `))
  })

  it('filters by tags (and / or)', async () => {
    await t.entities.services.insert(t.ws, { name: 'ab', host: 'h', tags: ['a', 'b'] })
    await t.entities.services.insert(t.ws, { name: 'a', host: 'h', tags: ['a'] })
    await t.entities.services.insert(t.ws, { name: 'c', host: 'h', tags: ['c'] })
    await t.entities.services.insert(t.ws, { name: 'none', host: 'h' })
    const names = async (tags: string[], tagsMode?: 'and' | 'or') =>
      (await t.entities.services.page(t.ws, { tags, ...(tagsMode ? { tagsMode } : {}) })).data
        .map((s) => s.name)
        .sort()
    expect(await names(['a'])).toEqual(['a', 'ab'])
    expect(await names(['a', 'b'])).toEqual(['ab'])
    expect(await names(['a', 'b'], 'or')).toEqual(['a', 'ab'])
    expect(await names(['b', 'c'], 'or')).toEqual(['ab', 'c'])
    expect(await names(['x'])).toEqual([])
    const pages = await allPages(1, { tags: ['a'] })
    expect(pages.flat().sort()).toEqual(['a', 'ab'])
    await t.entities.services.update(t.ws, 'ab', { tags: ['c'] })
    expect(await names(['a', 'b'])).toEqual([])
    expect(await names(['c'])).toEqual(['ab', 'c'])
    const tooMany = await rejection(t.entities.services.page(t.ws, { tags: ['a', 'b', 'c', 'd', 'e', 'f'] }))
    expect(tooMany).toMatchObject({
      code: 'INVALID_OPTIONS',
      fields: { tags: 'cannot query more than 5 tags' },
    })
  })

  it('filters by foreign key (nested endpoints)', async () => {
    const s1 = await t.entities.services.insert(t.ws, { host: 'h' })
    const s2 = await t.entities.services.insert(t.ws, { host: 'h' })
    await t.entities.routes.insert(t.ws, { paths: ['/1'], service: { id: s1.id } })
    await t.entities.routes.insert(t.ws, { paths: ['/2'], service: { id: s2.id } })
    await t.entities.routes.insert(t.ws, { paths: ['/3'], service: { id: s2.id } })
    const page = await t.entities.routes.page(t.ws, { foreign: { field: 'service', id: s2.id } })
    expect(page.data.flatMap((route) => route.paths).sort()).toEqual(['/2', '/3'])
  })

  it('lists tags with their entities, paged and per tag', async () => {
    const service = await t.entities.services.insert(t.ws, { host: 'h', tags: ['b', 'a'] })
    const consumer = await t.entities.consumers.insert(t.ws, { username: 'u', tags: ['a'] })
    const all = await t.entities.tags(t.ws, {})
    expect(all.data.map((row) => `${row.tag}:${row.entity_name}`)).toEqual(
      service.id < consumer.id
        ? ['a:services', 'a:consumers', 'b:services']
        : ['a:consumers', 'a:services', 'b:services'],
    )
    const first = await t.entities.tags(t.ws, { size: 2 })
    const second = await t.entities.tags(t.ws, { size: 2, offset: first.offset as string })
    expect([...first.data, ...second.data]).toEqual(all.data)
    expect(second.offset).toBeNull()
    const onlyB = await t.entities.tags(t.ws, { tag: 'b' })
    expect(onlyB.data).toEqual([{ entity_name: 'services', entity_id: service.id, tag: 'b' }])
  })
})
