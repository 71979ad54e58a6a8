import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { FieldDefinition } from './schema-types.ts'
import { openTestEntities, rejection, type TestEntities } from './test-helpers.ts'
import { processAutoFields } from './validate/defaults.ts'
import { MAX_ELEMENTS } from './validate/field.ts'
import { MAX_CONFIG_RECORDS, MAX_CONFIG_SCALARS } from './validate/oversized-arrays.ts'

const names = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${i}`)

describe('set de-duplication', () => {
  const fields: FieldDefinition[] = [
    { tags: { type: 'set' as const, elements: { type: 'string' as const } } },
    {
      points: {
        type: 'set' as const,
        elements: { type: 'record' as const, fields: [{ x: { type: 'integer' as const } }] },
      },
    },
    { list: { type: 'array' as const, elements: { type: 'string' as const } } },
  ]

  it('keeps the first occurrence of each element, in order', () => {
    const out = processAutoFields(fields, { tags: ['b', 'a', 'b', 'c', 'a'], list: ['x', 'x'] }, 'insert', 0)
    expect(out.tags).toEqual(['b', 'a', 'c'])
    // Arrays are not sets: duplicates stay.
    expect(out.list).toEqual(['x', 'x'])
  })

  it('keeps equal records (Kong compares table identity)', () => {
    const out = processAutoFields(fields, { points: [{ x: 1 }, { x: 1 }] }, 'insert', 0)
    expect(out.points).toEqual([{ x: 1 }, { x: 1 }])
  })

  it('de-duplicates 200,000 distinct and repeated elements', () => {
    const many = [...names(100_000), ...names(100_000)]
    const out = processAutoFields(fields, { tags: many }, 'insert', 0)
    expect(out.tags).toEqual(names(100_000))
  })
})

describe('size caps on entity writes', () => {
  let t: TestEntities
  beforeEach(async () => {
    t = await openTestEntities()
  })
  afterEach(() => t.close())

  it(`refuses more than ${MAX_ELEMENTS} tags with Kong's field error, and stores ${MAX_ELEMENTS}`, async () => {
    for (const count of [MAX_ELEMENTS + 1, 20_000, 200_000]) {
      const error = await rejection(t.entities.services.insert(t.ws, { host: 'h', tags: names(count) }))
      expect(error).toMatchObject({
        code: 'SCHEMA_VIOLATION',
        message: `schema violation (tags: length must be at most ${MAX_ELEMENTS})`,
        fields: { tags: `length must be at most ${MAX_ELEMENTS}` },
      })
    }
    const service = await t.entities.services.insert(t.ws, { host: 'h', tags: names(MAX_ELEMENTS) })
    expect(service.tags).toHaveLength(MAX_ELEMENTS)
    // Every tag has its row (written in slices, under SQLite's parameter limit).
    const tagged = await t.entities.services.page(t.ws, { tags: [`t${MAX_ELEMENTS - 1}`] })
    expect(tagged.data.map((row) => row.id)).toEqual([service.id])
    const page = await t.entities.tags(t.ws, { size: 1000 })
    expect(page.data).toHaveLength(1000)
    expect(page.offset).toBeNull()
  })

  it('caps the other arrays, sets and maps, on insert and on update', async () => {
    const hosts = await rejection(t.entities.routes.insert(t.ws, { hosts: names(5000, 'h.') }))
    expect(hosts.fields).toEqual({ hosts: `length must be at most ${MAX_ELEMENTS}` })
    const headers = Object.fromEntries(names(MAX_ELEMENTS + 1, 'x-').map((name) => [name, ['v']]))
    const map = await rejection(t.entities.routes.insert(t.ws, { paths: ['/a'], headers }))
    expect(map.fields).toEqual({ headers: `length must be at most ${MAX_ELEMENTS}` })
    const route = await t.entities.routes.insert(t.ws, { paths: ['/a'] })
    const patched = await rejection(t.entities.routes.update(t.ws, route.id, { paths: names(2000, '/p') }))
    expect(patched.fields).toEqual({ paths: `length must be at most ${MAX_ELEMENTS}` })
    // Nested arrays (a header's values) are capped by validation too.
    const values = await rejection(
      t.entities.routes.insert(t.ws, { paths: ['/b'], headers: { 'x-a': names(MAX_ELEMENTS + 1) } }),
    )
    expect(values.fields).toEqual({ headers: `length must be at most ${MAX_ELEMENTS}` })
  })

  it('caps plugin config arrays before the plugin schema runs', async () => {
    const scalars = await rejection(
      t.entities.plugins.insert(t.ws, {
        name: 'key-auth',
        config: { key_names: names(MAX_CONFIG_SCALARS + 1) },
      }),
    )
    expect(scalars.fields).toEqual({
      config: { key_names: `length must be at most ${MAX_CONFIG_SCALARS}` },
    })
    const records = names(MAX_CONFIG_RECORDS + 1).map((name) => ({ name }))
    const nested = await rejection(
      t.entities.plugins.insert(t.ws, { name: 'cors', config: { origins: [['a'], records] } }),
    )
    expect(nested.fields).toEqual({
      config: { origins: [null, `length must be at most ${MAX_CONFIG_RECORDS}`] },
    })
    const ok = await t.entities.plugins.insert(t.ws, {
      name: 'key-auth',
      config: { key_names: names(MAX_CONFIG_SCALARS) },
    })
    expect(ok.config.key_names).toHaveLength(MAX_CONFIG_SCALARS)
  })

  it('checks route collisions per dimension: 1,000 methods, hosts and paths answer', async () => {
    const other = (await t.entities.workspaces.insert('', { name: 'team-b' })).id
    await t.entities.routes.insert(other, { hosts: ['b.example'], paths: ['/b'], methods: ['GET'] })
    const letters = (n: number) =>
      n.toString(26).replace(/./g, (c) => String.fromCharCode(65 + parseInt(c, 26)))
    const methods = Array.from({ length: MAX_ELEMENTS }, (_, i) => `X${letters(i)}`)
    const hosts = names(MAX_ELEMENTS, 'h').map((name) => `${name}.example`)
    const paths = names(MAX_ELEMENTS, '/p')
    // 10^9 probes if combined; no method, host or path of team-b's route among them.
    const route = await t.entities.routes.insert(t.ws, { methods, hosts, paths })
    expect(route.hosts).toHaveLength(MAX_ELEMENTS)
    // One of each that team-b's route takes: a collision, found all the same.
    const error = await rejection(
      t.entities.routes.update(t.ws, route.id, {
        methods: [...methods.slice(1), 'GET'],
        hosts: [...hosts.slice(1), 'b.example'],
        paths: [...paths.slice(1), '/b/x'],
      }),
    )
    expect(error).toMatchObject({
      code: 'UNIQUE_VIOLATION',
      message: 'API route collides with an existing API',
    })
  })
})
