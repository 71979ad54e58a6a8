import { describe, expect, it } from 'vitest'
import { checkDaos } from './check-daos.ts'

const id = { id: { type: 'string', uuid: true, auto: true } }
const base = { name: 'things', primaryKey: ['id'], fields: [id, { label: { type: 'string', unique: true } }] }

const refusal = (raw: unknown, taken?: Set<string>): string => {
  try {
    checkDaos('p', raw, taken)
  } catch (error) {
    return (error as Error).message.replace("error loading plugin schemas: on plugin 'p': daos.ts: ", '')
  }
  throw new Error('expected a refusal')
}

describe('checkDaos', () => {
  it("turns the SDK's camelCase into the entity layer's vocabulary, workspaceable by default", () => {
    const [schema] = checkDaos('p', {
      ...base,
      cacheKey: ['label'],
      alsoInvalidates: [['owner']],
      endpointKey: 'label',
      ttl: true,
      adminApiName: 'thing-list',
      adminApiNestedName: 'thing',
      fields: [
        id,
        { label: { type: 'string', unique: true, lenMax: 8, oneOf: ['a', 'b'] } },
        { owner: { type: 'foreign', reference: 'consumers', onDelete: 'cascade' } },
        { secret: { type: 'string', hashed: true } },
      ],
      entityChecks: [{ at_least_one_of: ['label', 'owner'] }],
    })
    expect(schema).toEqual({
      name: 'things',
      primaryKey: ['id'],
      workspaceable: true,
      cacheKey: ['label'],
      alsoInvalidates: [['owner']],
      endpointKey: 'label',
      ttl: true,
      adminApiName: 'thing-list',
      adminApiNestedName: 'thing',
      fields: [
        id,
        { label: { type: 'string', unique: true, len_max: 8, one_of: ['a', 'b'] } },
        { owner: { type: 'foreign', reference: 'consumers', on_delete: 'cascade' } },
        { secret: { type: 'string', hashed: true } },
      ],
      entity_checks: [{ at_least_one_of: ['label', 'owner'] }],
    })
    expect(checkDaos('p', null)).toEqual([])
  })

  it('refuses what would silently weaken a rule or collide, naming entity and field', () => {
    expect(refusal({ ...base, name: 'Bad-Name' })).toBe(
      'entity 1: name must be lower case letters, digits and _ (at most 63 characters)',
    )
    expect(refusal({ ...base, extra: 1 })).toBe('things.extra: unknown field')
    expect(refusal({ ...base, primaryKey: ['label'] })).toBe("things.primaryKey: must be ['id']")
    expect(refusal({ ...base, fields: [{ label: { type: 'string' } }] })).toBe(
      "things.fields: needs { id: { type: 'string', uuid: true, auto: true } }",
    )
    expect(refusal({ ...base, fields: [id, { label: { type: 'string', lenMaxx: 3 } }] })).toBe(
      "things.label: unknown attribute 'lenMaxx'",
    )
    expect(refusal({ ...base, fields: [id, { label: { type: 'text' } }] })).toMatch(
      /^things\.label: type must be one of/,
    )
    expect(refusal({ ...base, fields: [id, { owner: { type: 'foreign', reference: 'plugins' } }] })).toBe(
      'things.owner: reference must be one of consumers, services, routes or an entity of this plugin',
    )
    expect(refusal({ ...base, fields: [id, { ws_id: { type: 'string' } }] })).toBe(
      "things.fields[2]: 'ws_id' is managed by the gateway",
    )
    expect(refusal({ ...base, fields: [id, { n: { type: 'string', match: '(' } }] })).toBe(
      'things.n: match is not a valid regular expression: (',
    )
    expect(refusal({ ...base, fields: [id, { n: { type: 'integer', hashed: true } }] })).toBe(
      'things.n: hashed is for string fields (hashed: true)',
    )
    expect(refusal({ ...base, cacheKey: ['nope'] })).toBe(
      'things.cacheKey: expected 1 to 5 names of declared fields',
    )
    expect(refusal({ ...base, alsoInvalidates: ['label'] })).toBe(
      'things.alsoInvalidates: expected lists of 1 to 5 names of declared fields',
    )
    expect(refusal({ ...base, endpointKey: 'id' })).toBe(
      'things.endpointKey: expected the name of a unique string field',
    )
    expect(refusal({ ...base, name: 'consumers' })).toBe("consumers: the name 'consumers' is already taken")
    expect(refusal(base, new Set(['things']))).toBe("things: the name 'things' is already taken")
    expect(refusal([base, { ...base, name: 'others', adminApiName: 'things' }])).toBe(
      "others: the name 'things' is already taken",
    )
  })
})
