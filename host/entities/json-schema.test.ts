import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestEntities, type TestEntities } from './test-helpers.ts'

describe('json_schema beside the Kong schema', () => {
  let t: TestEntities
  beforeEach(async () => {
    t = await openTestEntities()
  })
  afterEach(async () => t.close())

  const validator = (collection: string) => {
    const body = t.entities.kongSchema(collection) as { json_schema: object }
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    addFormats.default(ajv)
    return ajv.compile(body.json_schema)
  }

  it('accepts what the DAO stores and rejects unknown fields and bad types', async () => {
    const validate = validator('services')
    const stored = await t.entities.services.insert(t.ws, { name: 's1', host: 'example.com' })
    const { id: _id, created_at: _c, updated_at: _u, ws_id: _w, ...writable } = stored
    expect(validate(writable), JSON.stringify(validate.errors)).toBe(true)
    expect(validate({ host: 'example.com', colour: 'red' })).toBe(false)
    expect(validate({ host: 'example.com', port: 70000 })).toBe(false)
    expect(validate({ host: 'example.com', protocol: 'gopher' })).toBe(false)
  })

  it('describes nested routes fields, foreign keys and defaults', () => {
    const schema = (t.entities.kongSchema('routes') as { json_schema: any }).json_schema
    expect(schema.properties.service.properties.id).toMatchObject({ type: 'string', format: 'uuid' })
    expect(schema.properties.strip_path.default).toBe(true)
    expect(schema.properties.paths.type).toEqual(['array', 'null'])
    expect(schema.additionalProperties).toBe(false)
  })
})
