import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openTestEntities, rejection, type TestEntities } from './test-helpers.ts'

let t: TestEntities
beforeEach(async () => {
  t = await openTestEntities()
})
afterEach(() => t.close())

describe('services', () => {
  it("fills Kong's defaults and returns every field", async () => {
    const service = await t.entities.services.insert(t.ws, { name: 'a', host: 'example.com' })
    expect(service).toMatchObject({
      name: 'a',
      protocol: 'http',
      host: 'example.com',
      port: 80,
      path: null,
      retries: 5,
      connect_timeout: 60000,
      write_timeout: 60000,
      read_timeout: 60000,
      tags: null,
      client_certificate: null,
      tls_verify: null,
      tls_verify_depth: null,
      ca_certificates: null,
      enabled: true,
      ws_id: t.ws,
    })
    expect(service.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(service.created_at).toBe(service.updated_at)
    expect(Number.isInteger(service.created_at)).toBe(true)
    expect(await t.entities.services.select(t.ws, service.id)).toEqual(service)
  })

  it.each([
    ['http://example.com', { protocol: 'http', host: 'example.com', port: 80, path: null }],
    ['https://example.com/api?x=1#f', { protocol: 'https', host: 'example.com', port: 443, path: '/api' }],
    ['http://example.com:8080/a/b', { protocol: 'http', host: 'example.com', port: 8080, path: '/a/b' }],
    ['grpcs://example.com:9000', { protocol: 'grpcs', host: 'example.com', port: 9000, path: null }],
    ['ws://127.0.0.1', { protocol: 'ws', host: '127.0.0.1', port: 80, path: null }],
  ])('expands url %s', async (url, expected) => {
    const service = await t.entities.services.insert(t.ws, { url })
    expect(service).toMatchObject(expected)
  })

  it('reports url mistakes as errors of the fields it sets', async () => {
    const noHost = await rejection(t.entities.services.insert(t.ws, { url: 'example.com' }))
    expect(noHost).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      message: '2 schema violations (host: required field missing; path: should start with: /)',
      fields: { host: 'required field missing', path: 'should start with: /' },
    })
    const badScheme = await rejection(t.entities.services.insert(t.ws, { url: 'ftp://example.com' }))
    expect(badScheme.fields).toEqual({
      protocol: 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss',
    })
    const badPort = await rejection(t.entities.services.insert(t.ws, { url: 'http://example.com:x' }))
    expect(badPort.fields).toEqual({ port: 'expected an integer' })
    const notString = await rejection(t.entities.services.insert(t.ws, { url: 42 }))
    expect(notString.fields).toEqual({ url: 'expected a string' })
  })

  it.each([
    [{}, { host: 'required field missing' }],
    [{ host: 'h', foo: 1 }, { foo: 'unknown field' }],
    [{ host: 1 }, { host: 'expected a string' }],
    [{ host: '' }, { host: 'length must be at least 1' }],
    [{ host: 'h', retries: 1.5 }, { retries: 'expected an integer' }],
    [{ host: 'h', port: 65536 }, { port: 'value should be between 0 and 65535' }],
    [{ host: 'h', connect_timeout: 0 }, { connect_timeout: 'value should be between 1 and 2147483646' }],
    [
      { host: 'h', protocol: 'ftp' },
      { protocol: 'expected one of: grpc, grpcs, http, https, tcp, tls, tls_passthrough, udp, ws, wss' },
    ],
    [{ host: 'h', enabled: 'yes' }, { enabled: 'expected a boolean' }],
    [{ host: 'h:80' }, { host: 'must not have a port' }],
    [{ host: 'bad host!' }, { host: 'invalid value: bad host!' }],
    [{ host: 'h', path: 'x' }, { path: 'should start with: /' }],
    [{ host: 'h', path: '/a//b' }, { path: 'must not have empty segments' }],
    [
      { host: 'h', path: '/a b' },
      { path: "invalid path: '/a b' (characters outside of the reserved list of RFC 3986 found)" },
    ],
    [{ host: 'h', path: '/a%zz' }, { path: "invalid url-encoded value: '%zz'" }],
    [
      { host: 'h', name: 'a b' },
      { name: "invalid value 'a b': the only accepted ascii characters are alphanumerics or ., -, _, and ~" },
    ],
    [
      { host: 'h', tags: ['a,b'] },
      { tags: ["invalid tag 'a,b': expected printable ascii (except `,` and `/`) or valid utf-8 sequences"] },
    ],
    [{ host: 'h', tags: 'a' }, { tags: 'expected a set' }],
    [
      { host: 'h', protocol: 'https', ca_certificates: ['nope'] },
      { ca_certificates: ['expected a valid UUID'] },
    ],
  ])('rejects %j with %j', async (input, fields) => {
    const error = await rejection(t.entities.services.insert(t.ws, input))
    expect(error.code).toBe('SCHEMA_VIOLATION')
    expect(error.fields).toEqual(fields)
    expect((await t.entities.services.page(t.ws)).data).toEqual([])
  })

  it("applies Kong's protocol-dependent entity checks", async () => {
    const error = await rejection(
      t.entities.services.insert(t.ws, { host: 'h', protocol: 'tcp', path: '/x' }),
    )
    expect(error.fields).toEqual({
      '@entity': ["failed conditional validation given value of field 'protocol'"],
      path: 'value must be null',
    })
    expect(error.message).toBe(
      "2 schema violations (failed conditional validation given value of field 'protocol'; path: value must be null)",
    )
    const tls = await rejection(t.entities.services.insert(t.ws, { host: 'h', tls_verify: true }))
    expect(tls.fields).toMatchObject({ tls_verify: 'value must be null' })
    const ok = await t.entities.services.insert(t.ws, { host: 'h', protocol: 'https', tls_verify: true })
    expect(ok.tls_verify).toBe(true)
  })

  it('keeps names unique within a workspace', async () => {
    await t.entities.services.insert(t.ws, { name: 'a', host: 'h' })
    const error = await rejection(t.entities.services.insert(t.ws, { name: 'a', host: 'other' }))
    expect(error).toMatchObject({
      code: 'UNIQUE_VIOLATION',
      message: 'UNIQUE violation detected on \'{name="a"}\'',
      fields: { name: 'a' },
    })
  })

  it('refuses an id that already exists', async () => {
    const first = await t.entities.services.insert(t.ws, { host: 'h' })
    const error = await rejection(t.entities.services.insert(t.ws, { id: first.id, host: 'h' }))
    expect(error).toMatchObject({
      code: 'PRIMARY_KEY_VIOLATION',
      message: `primary key violation on key '{id="${first.id}"}'`,
    })
  })

  it('looks services up by id or name', async () => {
    const service = await t.entities.services.insert(t.ws, { name: 'a', host: 'h' })
    expect(await t.entities.services.selectByKey(t.ws, service.id)).toEqual(service)
    expect(await t.entities.services.selectByKey(t.ws, 'a')).toEqual(service)
    expect(await t.entities.services.selectByKey(t.ws, 'b')).toBeNull()
    expect(await t.entities.services.select(t.ws, 'not-a-uuid')).toBeNull()
  })

  it('PATCH changes only the given fields and validates the result', async () => {
    const service = await t.entities.services.insert(t.ws, { name: 'a', host: 'h', retries: 3 })
    const updated = await t.entities.services.update(t.ws, 'a', { host: 'other', url: undefined })
    expect(updated).toMatchObject({
      id: service.id,
      name: 'a',
      host: 'other',
      retries: 3,
      created_at: service.created_at,
    })
    const patched = await t.entities.services.update(t.ws, service.id, { url: 'https://x.test:8443/p' })
    expect(patched).toMatchObject({ protocol: 'https', host: 'x.test', port: 8443, path: '/p', retries: 3 })
    const error = await rejection(t.entities.services.update(t.ws, 'a', { port: -1 }))
    expect(error.fields).toEqual({ port: 'value should be between 0 and 65535' })
    expect(await t.entities.services.selectByKey(t.ws, 'a')).toEqual(patched)
  })

  it('PATCH of a missing service is NOT_FOUND', async () => {
    const byName = await rejection(t.entities.services.update(t.ws, 'nope', { host: 'h' }))
    expect(byName).toMatchObject({
      code: 'NOT_FOUND',
      message: 'could not find the entity with \'{name="nope"}\'',
    })
    const id = '6a1f4a6e-0000-4000-8000-000000000000'
    const byId = await rejection(t.entities.services.update(t.ws, id, { host: 'h' }))
    expect(byId).toMatchObject({
      code: 'NOT_FOUND',
      message: `could not find the entity with primary key '{id="${id}"}'`,
    })
  })

  it('PUT creates (name or id from the URL) and replaces with defaults', async () => {
    const created = await t.entities.services.upsert(t.ws, 'a', { host: 'h', retries: 1 })
    expect(created).toMatchObject({ name: 'a', host: 'h', retries: 1 })
    const replaced = await t.entities.services.upsert(t.ws, 'a', { host: 'other' })
    expect(replaced).toMatchObject({
      id: created.id,
      name: 'a',
      host: 'other',
      retries: 5,
      created_at: created.created_at,
    })
    const id = '0b9d6c54-8d2f-4f6c-9a3e-1d2c3b4a5f60'
    const byId = await t.entities.services.upsert(t.ws, id, { name: 'b', host: 'h' })
    expect(byId).toMatchObject({ id, name: 'b' })
    expect((await t.entities.services.page(t.ws)).data).toHaveLength(2)
    const error = await rejection(t.entities.services.upsert(t.ws, 'c', {}))
    expect(error.fields).toEqual({ host: 'required field missing' })
  })

  it('deletes and reports whether there was something to delete', async () => {
    await t.entities.services.insert(t.ws, { name: 'a', host: 'h' })
    expect(await t.entities.services.delete(t.ws, 'a')).toBe(true)
    expect(await t.entities.services.delete(t.ws, 'a')).toBe(false)
    expect(await t.entities.services.selectByKey(t.ws, 'a')).toBeNull()
  })
})
