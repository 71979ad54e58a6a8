import { describe, expect, it } from 'vitest'
import type { EntitySchema } from '../entities/index.ts'
import { isGatewayError, toKongBody } from '../errors/index.ts'
import { declarativeId, type ParsedDeclarative, parseDeclarative, uuidV5 } from './index.ts'

const YAML = `
_format_version: "3.0"
_comment: a sample
services:
  - name: billing
    url: http://127.0.0.1:9000/bill
    tags: [team-a]
    _comment: entries may carry comments
    routes:
      - name: billing-route
        paths: [/bill]
        plugins:
          - name: rate-limiting
            config: { minute: 5 }
    plugins:
      - name: key-auth
  - name: orders
    host: 127.0.0.1
routes:
  - name: orders-route
    service: orders
    paths: [/orders]
  - paths: [/by-id]
    service: 4c8e1dcf-8f2b-5c50-9d6f-1f4c1f2a0b11
consumers:
  - username: alice
    plugins:
      - name: acl
        config: { allow: [a] }
plugins:
  - name: cors
  - name: request-termination
    route: orders-route
    consumer: alice
`

function parseError(text: string, filename = 'kong.yaml', schemas?: EntitySchema[]) {
  try {
    parseDeclarative(text, filename, schemas ? { schemas } : {})
  } catch (error) {
    expect(isGatewayError(error)).toBe(true)
    if (!isGatewayError(error)) throw error
    expect(error.code).toBe('DECLARATIVE_CONFIG')
    expect(error.message).not.toContain('\n')
    return { message: error.message, body: toKongBody(error) }
  }
  throw new Error('expected the file to be rejected')
}

function byName(parsed: ParsedDeclarative, entity: string, key = 'name') {
  return (value: string) => parsed.entities.find((e) => e.entity === entity && e.fields[key] === value)!
}

describe('uuidV5', () => {
  it('matches the RFC 4122 reference value', () => {
    // uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org') in Python
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    )
  })
})

describe('parseDeclarative', () => {
  it('flattens nesting and resolves references by name and by id', () => {
    const withIdRef = YAML.replace(
      '4c8e1dcf-8f2b-5c50-9d6f-1f4c1f2a0b11',
      declarativeId('default', 'services', 'billing'),
    )
    const parsed = parseDeclarative(withIdRef, 'kong.yaml')
    expect(parsed.workspace).toBe('default')
    expect(parsed.transform).toBe(true)
    expect(parsed.entities.map((e) => e.entity)).toEqual([
      'services',
      'services',
      'routes',
      'routes',
      'routes',
      'consumers',
      'plugins',
      'plugins',
      'plugins',
      'plugins',
      'plugins',
    ])
    const service = byName(parsed, 'services')
    const route = byName(parsed, 'routes')
    const plugin = byName(parsed, 'plugins')
    const billing = service('billing')
    expect(billing.id).toBe(declarativeId('default', 'services', 'billing'))
    expect(billing.fields).toEqual({
      id: billing.id,
      name: 'billing',
      url: 'http://127.0.0.1:9000/bill',
      tags: ['team-a'],
    })
    expect(billing.path).toEqual(['services', 1])
    expect(route('billing-route').fields.service).toEqual({ id: billing.id })
    expect(route('billing-route').path).toEqual(['services', 1, 'routes', 1])
    expect(route('orders-route').fields.service).toEqual({ id: service('orders').id })
    const byId = parsed.entities.find((e) => e.entity === 'routes' && e.fields.name === undefined)!
    expect(byId.fields.service).toEqual({ id: billing.id })
    expect(plugin('rate-limiting').fields.route).toEqual({ id: route('billing-route').id })
    expect(plugin('rate-limiting').path).toEqual(['services', 1, 'routes', 1, 'plugins', 1])
    expect(plugin('key-auth').fields.service).toEqual({ id: billing.id })
    const alice = byName(parsed, 'consumers', 'username')('alice')
    expect(plugin('acl').fields.consumer).toEqual({ id: alice.id })
    expect(plugin('request-termination').fields).toMatchObject({
      route: { id: route('orders-route').id },
      consumer: { id: alice.id },
    })
    expect(plugin('cors').fields.route).toBeUndefined()
  })

  it('gives Kong-style stable ids to named entities and plugins, and the same ones for JSON', () => {
    const yaml = parseDeclarative(YAML.replace(/\n {4}service: 4c8e.*\n/, '\n'), 'kong.yaml')
    const again = parseDeclarative(YAML.replace(/\n {4}service: 4c8e.*\n/, '\n'), 'kong.yml')
    const stable = (parsed: ParsedDeclarative) =>
      parsed.entities
        .filter((e) => e.fields.name !== undefined || e.fields.username !== undefined)
        .map((e) => e.id)
    expect(stable(again)).toEqual(stable(yaml))
    const route = byName(yaml, 'routes')('billing-route')
    const plugin = byName(yaml, 'plugins')('rate-limiting')
    expect(plugin.id).toBe(declarativeId('default', 'plugins', `plugins:rate-limiting:${route.id}::`))
    const json = JSON.stringify({
      _format_version: '3.0',
      services: [{ name: 'billing', url: 'http://127.0.0.1:9000/bill' }],
    })
    expect(parseDeclarative(json, 'kong.json').entities[0]!.id).toBe(byName(yaml, 'services')('billing').id)
    expect(parseDeclarative(json, 'config').entities[0]!.id).toBe(byName(yaml, 'services')('billing').id)
  })

  it('keeps ids given in the file and scopes stable ids by _workspace', () => {
    const id = '4c8e1dcf-8f2b-5c50-9d6f-1f4c1f2a0b11'
    const text = `_format_version: "3.0"\n_workspace: team-b\n_transform: false\nservices:\n  - name: a\n    host: x\n  - id: ${id.toUpperCase()}\n    host: y\n`
    const parsed = parseDeclarative(text, 'kong.yaml')
    expect(parsed.workspace).toBe('team-b')
    expect(parsed.transform).toBe(false)
    expect(parsed.entities[0]!.id).toBe(declarativeId('team-b', 'services', 'a'))
    expect(parsed.entities[0]!.id).not.toBe(declarativeId('default', 'services', 'a'))
    expect(parsed.entities[1]!.id).toBe(id)
    expect(parsed.entities[1]!.fields.id).toBe(id)
  })

  it('names the path of a missing reference', () => {
    const { message, body } = parseError(
      '_format_version: "3.0"\nservices:\n  - name: s\n    host: h\n    routes:\n      - name: r\n        paths: [/]\n        plugins:\n          - name: p\n            consumer: nobody\n',
    )
    expect(message).toBe(
      "kong.yaml: declarative config is invalid: services[1].routes[1].plugins[1]: invalid reference 'consumer: nobody' (no such entry in 'consumers')",
    )
    expect(body).toMatchObject({ code: 14, name: 'invalid declarative configuration' })
    expect(body.fields).toEqual({
      services: {
        '1': {
          routes: {
            '1': {
              plugins: {
                '1': { '@entity': "invalid reference 'consumer: nobody' (no such entry in 'consumers')" },
              },
            },
          },
        },
      },
    })
  })

  it('rejects a parent key set inside nesting, and several problems at once', () => {
    const { message, body } = parseError(
      '_format_version: "3.0"\nservices:\n  - name: s\n    host: h\n    routes:\n      - service: other\n        paths: [/]\nconsumers: {}\nupstreams: []\n',
    )
    expect(message).toBe(
      'kong.yaml: declarative config is invalid: services[1].routes[1].service: value must be null; consumers: expected an array; upstreams: unknown field',
    )
    expect(body.fields).toEqual({
      services: { '1': { routes: { '1': { service: 'value must be null' } } } },
      consumers: 'expected an array',
      upstreams: 'unknown field',
    })
  })

  it('checks the format version, the meta keys and entries', () => {
    expect(parseError('services: []\n').message).toBe(
      'kong.yaml: declarative config is invalid: _format_version: required field missing',
    )
    expect(parseError('_format_version: 3.0\n').message).toMatch(/_format_version: expected a string$/)
    expect(parseError('_format_version: "2.1"\n').message).toMatch(/_format_version: expected one of: 3.0$/)
    expect(parseError('_format_version: "3.0"\n_transform: "yes"\n').message).toMatch(
      /_transform: expected a boolean$/,
    )
    expect(parseError('_format_version: "3.0"\nservices: [5]\n').message).toMatch(
      /services\[1\]: expected a record$/,
    )
    expect(parseError('_format_version: "3.0"\nservices:\n  - id: 12\n').message).toMatch(
      /services\[1\]\.id: expected a valid UUID$/,
    )
  })

  it('rejects entities declared twice', () => {
    const { message } = parseError(
      '_format_version: "3.0"\nservices:\n  - name: a\n    host: x\n  - name: a\n    host: y\n',
    )
    expect(message).toMatch(
      /services\[2\]: uniqueness violation: 'services' entity with primary key set to '[0-9a-f-]+' already declared$/,
    )
  })

  it('reports syntax errors as one line', () => {
    expect(parseError('_format_version: "3.0"\nservices: [\n').message).toMatch(
      /^kong\.yaml: failed parsing declarative configuration: /,
    )
    expect(parseError('{"_format_version": ', 'kong.json').message).toMatch(
      /^kong\.json: failed parsing declarative configuration: /,
    )
    expect(parseError('- a\n- b\n').message).toBe(
      'kong.yaml: failed parsing declarative configuration: expected an object',
    )
  })

  it('with schemas: rejects unknown fields deep inside and knows plugin entities', () => {
    const field = (type: 'string' | 'foreign', extra: object = {}) => ({ type, ...extra }) as const
    const schemas: EntitySchema[] = [
      {
        name: 'services',
        primaryKey: ['id'],
        endpointKey: 'name',
        workspaceable: true,
        fields: [
          { id: field('string') },
          { name: field('string', { unique: true }) },
          { host: field('string') },
        ],
      },
      {
        name: 'routes',
        primaryKey: ['id'],
        endpointKey: 'name',
        workspaceable: true,
        fields: [
          { id: field('string') },
          { name: field('string', { unique: true }) },
          { paths: { type: 'array', elements: { type: 'string' } } },
          { service: field('foreign', { reference: 'services' }) },
        ],
      },
      {
        name: 'consumers',
        primaryKey: ['id'],
        endpointKey: 'username',
        workspaceable: true,
        fields: [{ id: field('string') }, { username: field('string', { unique: true }) }],
      },
      {
        name: 'keyauth_credentials',
        primaryKey: ['id'],
        endpointKey: 'key',
        workspaceable: true,
        fields: [
          { id: field('string') },
          { key: field('string', { unique: true }) },
          { consumer: field('foreign', { reference: 'consumers', on_delete: 'cascade' }) },
        ],
      },
    ]
    const { message } = parseError(
      '_format_version: "3.0"\nservices:\n  - name: s\n    host: h\n    routes:\n      - name: r\n        pathz: [/]\n',
      'kong.yaml',
      schemas,
    )
    expect(message).toBe(
      'kong.yaml: declarative config is invalid: services[1].routes[1].pathz: unknown field',
    )
    const parsed = parseDeclarative(
      '_format_version: "3.0"\nconsumers:\n  - username: bob\n    keyauth_credentials:\n      - key: k1\n',
      'kong.yaml',
      { schemas },
    )
    const bob = parsed.entities[0]!
    expect(parsed.entities[1]).toMatchObject({
      entity: 'keyauth_credentials',
      id: declarativeId('default', 'keyauth_credentials', 'k1'),
      fields: { key: 'k1', consumer: { id: bob.id } },
    })
  })
})
