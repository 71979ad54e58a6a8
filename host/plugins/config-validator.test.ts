import { describe, expect, it } from 'vitest'
import { compileConfigValidator } from './index.ts'

const errorsOf = (schema: Record<string, unknown>, config: unknown) => {
  const result = compileConfigValidator(schema).validate(config)
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.config)}`)
  return result.errors
}

const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  additionalProperties: false,
  ...extra,
})

describe("config validation with Kong's field errors", () => {
  it('names each type as Kong does', () => {
    const schema = object({
      s: { type: 'string' },
      i: { type: 'integer' },
      n: { type: 'number' },
      b: { type: 'boolean' },
      a: { type: 'array', items: { type: 'string' } },
      set: { type: 'array', uniqueItems: true },
      r: object({ x: { type: 'string' } }),
      m: { type: 'object', additionalProperties: { type: 'string' } },
      u: { type: ['string', 'null'] },
    })
    expect(
      errorsOf(schema, { s: 1, i: 1.5, n: 'x', b: 'true', a: 'x', set: {}, r: [], m: 'x', u: 2 }),
    ).toEqual({
      s: 'expected a string',
      i: 'expected an integer',
      n: 'expected a number',
      b: 'expected a boolean',
      a: 'expected an array',
      set: 'expected a set',
      r: 'expected a record',
      m: 'expected a map',
      u: 'expected a string',
    })
  })

  it('reports missing required fields and unknown fields', () => {
    const schema = object(
      { origins: { type: 'array' }, nested: object({ x: { type: 'string' } }, { required: ['x'] }) },
      {
        required: ['origins'],
      },
    )
    expect(errorsOf(schema, { colour: 'red', nested: { y: 1 } })).toEqual({
      origins: 'required field missing',
      colour: 'unknown field',
      nested: { x: 'required field missing', y: 'unknown field' },
    })
  })

  it("maps enum, const, bounds, lengths, pattern and formats to Kong's texts", () => {
    const schema = object({
      mode: { type: 'string', enum: ['header', 'query'] },
      codes: { type: 'integer', enum: [401, 403] },
      fixed: { const: 'v1' },
      port: { type: 'integer', minimum: 0, maximum: 65535 },
      low: { type: 'integer', minimum: 1 },
      high: { type: 'number', maximum: 10 },
      above: { type: 'number', exclusiveMinimum: 0 },
      below: { type: 'number', exclusiveMaximum: 5 },
      name: { type: 'string', minLength: 3, maxLength: 5 },
      long: { type: 'string', maxLength: 2 },
      list: { type: 'array', minItems: 2 },
      few: { type: 'array', maxItems: 1 },
      path: { type: 'string', pattern: '^/' },
      id: { type: 'string', format: 'uuid' },
      email: { type: 'string', format: 'email' },
      tags: { type: 'array', uniqueItems: true },
      step: { type: 'integer', multipleOf: 5 },
    })
    expect(
      errorsOf(schema, {
        mode: 'body',
        codes: 500,
        fixed: 'v2',
        port: 70000,
        low: 0,
        high: 11,
        above: 0,
        below: 5,
        name: 'ab',
        long: 'abc',
        list: [1],
        few: [1, 2],
        path: 'nope',
        id: 'not-a-uuid',
        email: 'x',
        tags: ['a', 'a'],
        step: 7,
      }),
    ).toEqual({
      mode: 'expected one of: header, query',
      codes: 'expected one of: 401, 403',
      fixed: 'value must be v1',
      port: 'value should be between 0 and 65535',
      low: 'value must be at least 1',
      high: 'value must be at most 10',
      above: 'value must be greater than 0',
      below: 'value must be less than 5',
      name: 'length must be at least 3',
      long: 'length must be at most 2',
      list: 'length must be at least 2',
      few: 'length must be at most 1',
      path: 'invalid value: nope',
      id: 'expected a valid UUID',
      email: 'invalid value: x',
      tags: 'values must be unique',
      step: 'must be multiple of 5',
    })
  })

  it('nests records and reports array elements by index (null for valid ones)', () => {
    const schema = object({
      limits: object({
        minute: { type: 'integer' },
        window: object({ size: { type: 'integer', minimum: 1, maximum: 60 } }),
      }),
      names: { type: 'array', items: { type: 'string', minLength: 2 } },
      rules: {
        type: 'array',
        items: object(
          { path: { type: 'string' }, methods: { type: 'array', items: { enum: ['GET', 'POST'] } } },
          {
            required: ['path'],
          },
        ),
      },
    })
    expect(
      errorsOf(schema, {
        limits: { minute: 'x', window: { size: 0 } },
        names: ['ok', 1, 'x', 'fine'],
        rules: [{ path: '/a' }, { methods: ['GET', 'PUT'], extra: true }],
      }),
    ).toEqual({
      limits: { minute: 'expected an integer', window: { size: 'value should be between 1 and 60' } },
      names: [null, 'expected a string', 'length must be at least 2', null],
      rules: [
        null,
        {
          path: 'required field missing',
          methods: [null, 'expected one of: GET, POST'],
          extra: 'unknown field',
        },
      ],
    })
  })

  it('reports a map value on the map itself, and element errors over length errors', () => {
    const schema = object({
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      byPattern: {
        type: 'object',
        patternProperties: { '^x-': { type: 'integer' } },
        additionalProperties: false,
      },
      list: { type: 'array', items: { type: 'string' }, minItems: 3 },
    })
    expect(
      errorsOf(schema, { headers: { a: 'ok', b: 1 }, byPattern: { 'x-a': 'no', y: 1 }, list: [1] }),
    ).toEqual({
      headers: 'expected a string',
      byPattern: 'expected an integer',
      list: ['expected a string'],
    })
  })

  it('keeps one message per field: the type error first, as Kong validates type before the rest', () => {
    const schema = object({ n: { type: 'integer', minimum: 5, enum: [1, 10] } })
    expect(errorsOf(schema, { n: 2 })).toEqual({ n: 'expected one of: 1, 10' })
    expect(errorsOf(schema, { n: 'x' })).toEqual({ n: 'expected an integer' })
  })

  it('reports checks on the config itself under @entity, and one error for a failed anyOf', () => {
    const schema = object(
      {
        a: { type: 'string' },
        b: { type: 'string' },
        v: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
      },
      { minProperties: 1, anyOf: [{ required: ['a'] }, { required: ['b'] }] },
    )
    expect(errorsOf(schema, {})).toEqual({
      '@entity': ['must match a schema in anyOf', 'length must be at least 1'],
    })
    expect(errorsOf(schema, { a: 'x', v: true })).toEqual({ v: 'must match a schema in anyOf' })
  })

  it('fills defaults, nested ones included, on a copy, and returns the normalised config', () => {
    const schema = object({
      key_names: { type: 'array', items: { type: 'string' }, default: ['apikey'] },
      hide: { type: 'boolean', default: false },
      limits: object({ minute: { type: 'integer', default: 60 } }, { default: {} }),
      rules: {
        type: 'array',
        items: object({ path: { type: 'string' }, strip: { type: 'boolean', default: true } }),
      },
    })
    const input = { rules: [{ path: '/a' }] }
    const validator = compileConfigValidator(schema)
    const first = validator.validate(input)
    expect(first).toEqual({
      ok: true,
      config: {
        key_names: ['apikey'],
        hide: false,
        limits: { minute: 60 },
        rules: [{ path: '/a', strip: true }],
      },
    })
    expect(input).toEqual({ rules: [{ path: '/a' }] })
    const second = validator.validate({})
    if (!first.ok || !second.ok) throw new Error('expected valid configs')
    expect(second.config.key_names).not.toBe(first.config.key_names)
  })

  it('treats null as unset for fields that do not accept null, as Kong does', () => {
    const schema = object(
      {
        anonymous: { type: 'string' },
        hide: { type: 'boolean', default: true },
        origins: { type: 'array' },
        maybe: { type: ['string', 'null'] },
        nested: object({ x: { type: 'integer', default: 1 } }),
      },
      { required: ['origins'] },
    )
    expect(errorsOf(schema, { anonymous: null, hide: null, origins: null })).toEqual({
      origins: 'required field missing',
    })
    expect(
      compileConfigValidator(schema).validate({
        anonymous: null,
        hide: null,
        origins: [],
        maybe: null,
        nested: { x: null },
      }),
    ).toEqual({ ok: true, config: { hide: true, origins: [], maybe: null, nested: { x: 1 } } })
    expect(errorsOf(schema, { origins: [], other: null })).toEqual({ other: 'unknown field' })
  })

  it('keeps hostile keys as plain keys', () => {
    const schema = object({ ['__proto__']: object({ polluted: { type: 'string' } }) })
    const errors = errorsOf(schema, JSON.parse('{"__proto__": {"polluted": 1}}'))
    expect(Object.hasOwn(errors, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('follows local $refs and honours a declared 2020-12 draft', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { rule: object({ path: { type: 'string' } }, { required: ['path'] }) },
      properties: {
        rules: { type: 'array', prefixItems: [{ $ref: '#/$defs/rule' }], items: { type: 'integer' } },
      },
      additionalProperties: false,
    }
    expect(errorsOf(schema, { rules: [{}, 'x'] })).toEqual({
      rules: [{ path: 'required field missing' }, 'expected an integer'],
    })
  })

  it('refuses schemas with unknown keywords or formats when compiled', () => {
    expect(() => compileConfigValidator(object({ a: { type: 'string', format: 'nope' } }))).toThrow(
      'unknown format "nope" ignored in schema at path "#/properties/a"',
    )
    expect(compileConfigValidator({ type: 'object', default: {} }).validate({})).toEqual({
      ok: true,
      config: {},
    })
  })
})
