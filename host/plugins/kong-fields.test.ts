import { describe, expect, it } from 'vitest'
import { kongPluginSchema, toKongFields } from './index.ts'

/** A rate-limiting-like config schema using most of what plugin authors write. */
const RATE_LIMITING = {
  type: 'object',
  properties: {
    minute: { type: 'integer', exclusiveMinimum: 0, description: 'Requests per minute.' },
    policy: { type: 'string', enum: ['local', 'cluster', 'redis'], default: 'local' },
    limit_by: { type: 'string', enum: ['consumer', 'credential', 'ip', 'header'], default: 'consumer' },
    header_name: { type: ['string', 'null'], minLength: 1, maxLength: 64 },
    path: { type: 'string', pattern: '^/' },
    fault_tolerant: { type: 'boolean', default: true },
    error_code: { type: 'number', minimum: 0, maximum: 599, default: 429 },
    retry_after_jitter_max: { type: 'integer', minimum: 0 },
    redis: {
      type: 'object',
      properties: {
        host: { type: 'string' },
        port: { $ref: '#/$defs/port' },
        id: { type: 'string', format: 'uuid' },
      },
      required: ['host'],
      additionalProperties: false,
    },
    methods: {
      type: 'array',
      items: { type: 'string', enum: ['GET', 'POST'] },
      uniqueItems: true,
      minItems: 1,
    },
    headers: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    tagged: { type: 'object', patternProperties: { '^x-': { type: 'integer' } } },
    extra: { type: 'object' },
    either: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    optional_name: {
      anyOf: [{ type: 'string', minLength: 2 }, { type: 'null' }],
      description: 'Or nothing.',
    },
    version: { const: 'v1' },
  },
  required: ['minute'],
  additionalProperties: false,
  $defs: { port: { type: 'integer', minimum: 0, maximum: 65535, default: 6379 } },
}

describe('toKongFields', () => {
  it("translates a realistic JSON Schema into Kong's record fields, in property order", () => {
    expect(toKongFields(RATE_LIMITING)).toEqual({
      fields: [
        { minute: { type: 'integer', required: true, gt: 0, description: 'Requests per minute.' } },
        {
          policy: { type: 'string', required: true, default: 'local', one_of: ['local', 'cluster', 'redis'] },
        },
        {
          limit_by: {
            type: 'string',
            required: true,
            default: 'consumer',
            one_of: ['consumer', 'credential', 'ip', 'header'],
          },
        },
        { header_name: { type: 'string', len_min: 1, len_max: 64 } },
        { path: { type: 'string', match: '^/' } },
        { fault_tolerant: { type: 'boolean', required: true, default: true } },
        { error_code: { type: 'number', required: true, default: 429, between: [0, 599] } },
        { retry_after_jitter_max: { type: 'integer' } },
        {
          redis: {
            type: 'record',
            fields: [
              { host: { type: 'string', required: true } },
              { port: { type: 'integer', required: true, default: 6379, between: [0, 65535] } },
              { id: { type: 'string', uuid: true } },
            ],
          },
        },
        { methods: { type: 'set', elements: { type: 'string', one_of: ['GET', 'POST'] }, len_min: 1 } },
        {
          headers: {
            type: 'map',
            keys: { type: 'string' },
            values: { type: 'array', elements: { type: 'string' } },
          },
        },
        { tagged: { type: 'map', keys: { type: 'string', match: '^x-' }, values: { type: 'integer' } } },
        { extra: { type: 'json' } },
        { either: { type: 'json' } },
        { optional_name: { type: 'string', len_min: 2, description: 'Or nothing.' } },
        { version: { type: 'string', eq: 'v1' } },
      ],
    })
  })

  it('stops at recursive references', () => {
    const schema = {
      type: 'object',
      properties: { node: { $ref: '#/$defs/node' } },
      $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } },
    }
    let field = (toKongFields(schema).fields[0] as { node: Record<string, unknown> }).node
    let depth = 0
    while (field.type === 'record' && depth < 100) {
      field = (field.fields as { child: Record<string, unknown> }[])[0]!.child
      depth++
    }
    expect(field).toEqual({ type: 'json' })
    expect(depth).toBeGreaterThan(3)
  })
})

describe('kongPluginSchema', () => {
  it("puts Kong's scoping restrictions and protocols before config, and the JSON Schema beside", () => {
    const body = kongPluginSchema({
      name: 'rate-limiting',
      config: RATE_LIMITING,
      noRoute: true,
      noService: true,
    }) as { fields: Record<string, unknown>[]; json_schema: unknown }
    expect(body.fields.slice(0, 3)).toEqual([
      { route: { type: 'foreign', reference: 'routes', eq: null } },
      { service: { type: 'foreign', reference: 'services', eq: null } },
      {
        protocols: {
          type: 'set',
          required: true,
          default: ['grpc', 'grpcs', 'http', 'https', 'ws', 'wss'],
          elements: { type: 'string', one_of: ['grpc', 'grpcs', 'http', 'https', 'ws', 'wss'] },
          description: 'A set of strings representing HTTP protocols.',
        },
      },
    ])
    expect(body.fields[3]).toEqual({
      config: { type: 'record', required: true, ...toKongFields(RATE_LIMITING) },
    })
    expect(body.json_schema).toEqual(RATE_LIMITING)
    expect(body.json_schema).not.toBe(RATE_LIMITING)
  })
})
