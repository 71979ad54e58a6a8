import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestEntities, rejection, type TestEntities } from './test-helpers.ts'

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities()
})
afterEach(() => t.close())

const insertRoute = (input: Record<string, unknown>) => t.entities.routes.insert(t.ws, input)
const fieldsOf = async (input: Record<string, unknown>) => (await rejection(insertRoute(input))).fields

describe('routes', () => {
  it("fills Kong's defaults", async () => {
    const route = await insertRoute({ paths: ['/a'] })
    expect(route).toMatchObject({
      name: null,
      protocols: ['http', 'https'],
      methods: null,
      hosts: null,
      paths: ['/a'],
      headers: null,
      https_redirect_status_code: 426,
      regex_priority: 0,
      strip_path: true,
      path_handling: 'v0',
      preserve_host: false,
      request_buffering: true,
      response_buffering: true,
      snis: null,
      sources: null,
      destinations: null,
      tags: null,
      service: null,
    })
  })

  it('needs a matching field for its protocols', async () => {
    const https = await rejection(insertRoute({}))
    expect(https).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      message:
        "schema violation (must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https')",
      fields: {
        '@entity': [
          "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'",
        ],
      },
    })
    expect(await fieldsOf({ protocols: ['http'], paths: [] })).toEqual({
      '@entity': ["must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"],
    })
    expect(await fieldsOf({ protocols: ['grpc'] })).toEqual({
      '@entity': ["must set one of 'hosts', 'headers', 'paths' when 'protocols' is 'grpc'"],
    })
    expect(await fieldsOf({ protocols: ['tcp'] })).toEqual({
      '@entity': [
        "must set one of 'sources', 'destinations', 'snis' when 'protocols' is 'tcp', 'tls' or 'udp'",
      ],
    })
  })

  it.each([
    [{ paths: ['x'] }, { paths: ['should start with: / (fixed path) or ~/ (regex path)'] }],
    [{ paths: ['/a', '/a//b'] }, { paths: [null, 'must not have empty segments'] }],
    [{ paths: ['/a/../b'] }, { paths: ["non-normalized path, consider use '/b' instead"] }],
    [{ paths: ['/%7Ea'] }, { paths: ["non-normalized path, consider use '/~a' instead"] }],
    [{ paths: ['/a%2'] }, { paths: ["invalid url-encoded value: '%2'"] }],
    [{ paths: '/a' }, { paths: 'expected an array' }],
    [{ methods: ['get'] }, { methods: ['invalid value: get'] }],
    [{ hosts: ['*.a.*'] }, { hosts: ['invalid wildcard: must have at most one wildcard'] }],
    [{ hosts: ['a.*.b'] }, { hosts: ['invalid wildcard: must be placed at leftmost or rightmost label'] }],
    [{ hosts: ['a.test:99999'] }, { hosts: ['invalid port number'] }],
    [
      { headers: { Host: ['a'] } },
      { headers: "cannot contain 'host' header, which must be specified in the 'hosts' attribute" },
    ],
    [
      { headers: { 'x y': ['a'] } },
      { headers: "bad header name 'x y', allowed characters are A-Z, a-z, 0-9, '_', and '-'" },
    ],
    [{ headers: { x: 'a' } }, { headers: 'expected an array' }],
    [
      { paths: ['/'], https_redirect_status_code: 200 },
      { https_redirect_status_code: 'expected one of: 426, 301, 302, 307, 308' },
    ],
    [{ paths: ['/'], path_handling: 'v2' }, { path_handling: 'expected one of: v0, v1' }],
    [{ paths: ['/'], protocols: [] }, { protocols: 'length must be at least 1' }],
    [
      { paths: ['/'], name: 'a/b' },
      { name: "invalid value 'a/b': the only accepted ascii characters are alphanumerics or ., -, _, and ~" },
    ],
  ])('rejects %j', async (input, fields) => {
    expect(await fieldsOf(input)).toEqual(fields)
  })

  it('validates regex paths', async () => {
    const route = await insertRoute({ paths: ['~/users/(?<id>\\d+)$'] })
    expect(route.paths).toEqual(['~/users/(?<id>\\d+)$'])
    const fields = (await fieldsOf({ paths: ['~/a('] })) as { paths: string[] }
    expect(fields.paths[0]).toMatch(/^invalid regex: '\/a\(' \(PCRE returned: /)
  })

  it('keeps protocol families apart and applies their rules', async () => {
    const mixed = await fieldsOf({ protocols: ['http', 'tcp'], paths: ['/'] })
    expect(mixed).toEqual({
      protocols: "these sets are mutually exclusive: ('http', 'https'), ('tcp', 'tls', 'udp')",
    })
    expect(await fieldsOf({ protocols: ['http'], paths: ['/'], sources: [{ ip: '10.0.0.1' }] })).toEqual({
      sources: "cannot set 'sources' when 'protocols' is 'http' or 'https'",
    })
    expect(await fieldsOf({ protocols: ['tcp'], paths: ['/'], destinations: [{ port: 80 }] })).toEqual({
      paths: "cannot set 'paths' when 'protocols' is 'tcp', 'tls', 'tls_passthrough' or 'udp'",
    })
    const snis = await fieldsOf({ protocols: ['http'], paths: ['/'], snis: ['a.test'] })
    expect(snis).toEqual({
      '@entity': [
        "'snis' can only be set when 'protocols' is 'grpcs', 'https', 'tls', 'tls_passthrough', or 'wss'",
      ],
      snis: 'length must be 0',
    })
    const stream = await insertRoute({ protocols: ['tcp'], sources: [{ ip: '10.0.0.0/8' }, { port: 99 }] })
    expect(stream.sources).toEqual([
      { ip: '10.0.0.0/8', port: null },
      { ip: null, port: 99 },
    ])
    expect(await fieldsOf({ protocols: ['tcp'], sources: [{}] })).toEqual({
      sources: [{ '@entity': ["at least one of these fields must be non-empty: 'ip', 'port'"] }],
    })
    expect(await fieldsOf({ protocols: ['tcp'], sources: [{ ip: '300.1.1.1' }] })).toEqual({
      sources: [{ ip: "invalid ip or cidr range: '300.1.1.1'" }],
    })
  })

  it('does not strip paths of gRPC routes by default and refuses it', async () => {
    const route = await insertRoute({ protocols: ['grpc'], paths: ['/svc'] })
    expect(route.strip_path).toBe(false)
    expect(await fieldsOf({ protocols: ['grpcs'], paths: ['/svc'], strip_path: true })).toEqual({
      strip_path: "cannot set 'strip_path' when 'protocols' is 'grpc' or 'grpcs'",
    })
  })

  it('de-duplicates sets', async () => {
    const route = await insertRoute({ methods: ['GET', 'GET', 'POST'], tags: ['a', 'a'] })
    expect(route.methods).toEqual(['GET', 'POST'])
    expect(route.tags).toEqual(['a'])
  })

  it('references its service by id or by name, in the same workspace', async () => {
    const service = await t.entities.services.insert(t.ws, { name: 's', host: 'h' })
    expect((await insertRoute({ paths: ['/a'], service: { id: service.id } })).service).toEqual({
      id: service.id,
    })
    expect((await insertRoute({ paths: ['/b'], service: { name: 's' } })).service).toEqual({ id: service.id })
    const missing = '3f1d1f4e-6c1e-4f7a-9c55-2d0c4c8e9a11'
    const violation = await rejection(insertRoute({ paths: ['/c'], service: { id: missing } }))
    expect(violation).toMatchObject({
      code: 'FOREIGN_KEY_VIOLATION',
      message: `the foreign key '{id="${missing}"}' does not reference an existing 'services' entity.`,
      fields: { service: { id: missing } },
    })
    const unresolved = await rejection(insertRoute({ paths: ['/c'], service: { name: 'nope' } }))
    expect(unresolved).toMatchObject({
      code: 'FOREIGN_KEYS_UNRESOLVED',
      message:
        "foreign key unresolved (service.name: the foreign key cannot be resolved with '{name=\"nope\"}' for an existing 'services' entity)",
    })
    expect(await fieldsOf({ paths: ['/c'], service: { id: 'x' } })).toEqual({
      service: { id: 'expected a valid UUID' },
    })
    expect(await fieldsOf({ paths: ['/c'], service: 'x' })).toEqual({ service: 'expected a record' })
  })

  it('restricts deleting a service that routes still use', async () => {
    const service = await t.entities.services.insert(t.ws, { name: 's', host: 'h' })
    const route = await insertRoute({ paths: ['/a'], service: { id: service.id } })
    const error = await rejection(t.entities.services.delete(t.ws, 's'))
    expect(error).toMatchObject({
      code: 'FOREIGN_KEY_VIOLATION',
      message: "an existing 'routes' entity references this 'services' entity",
      fields: { '@referenced_by': 'routes' },
    })
    expect(await t.entities.services.selectByKey(t.ws, 's')).not.toBeNull()
    await t.entities.routes.delete(t.ws, route.id)
    expect(await t.entities.services.delete(t.ws, 's')).toBe(true)
  })

  it('PATCH validates the merged route', async () => {
    const route = await insertRoute({ name: 'r', paths: ['/a'], methods: ['GET'] })
    expect(await t.entities.routes.update(t.ws, 'r', { paths: null })).toMatchObject({
      paths: null,
      methods: ['GET'],
    })
    const error = await rejection(t.entities.routes.update(t.ws, route.id, { methods: null }))
    expect(error.fields).toEqual({
      '@entity': [
        "must set one of 'methods', 'hosts', 'headers', 'paths', 'snis' when 'protocols' is 'https'",
      ],
    })
  })
})
