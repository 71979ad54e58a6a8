import type { EntityCheck, EntitySchema, FieldDefinition, FieldSchema } from '../entities/index.ts'
import { pluginLoadError } from './load-error.ts'

/**
 * daos.ts as the host takes it: untrusted JSON (read in an isolate) checked into the entity
 * layer's vocabulary. Every rule is data (Kong's declarative validators); anything unknown is
 * refused with one line naming the entity and field, so a typo never silently disables a check.
 */

const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/
const COLLECTION = /^[a-z][a-z0-9_-]{0,62}$/
/** Tables and collections of the gateway itself: a plugin entity may not take these names. */
const RESERVED = new Set([
  'workspaces',
  'services',
  'routes',
  'consumers',
  'plugins',
  'tags',
  'schema_meta',
  'config_state',
  'schemas',
  'status',
  'custom-plugins',
  'custom_plugins',
])
/** Core entities a plugin entity may reference. */
const REFERABLE = new Set(['consumers', 'services', 'routes'])
const FIELD_TYPES = new Set([
  'string',
  'integer',
  'number',
  'boolean',
  'array',
  'set',
  'map',
  'record',
  'foreign',
])
const ENTITY_KEYS = new Set([
  'name',
  'primaryKey',
  'cacheKey',
  'alsoInvalidates',
  'endpointKey',
  'ttl',
  'workspaceable',
  'adminApiName',
  'adminApiNestedName',
  'generateAdminApi',
  'fields',
  'entityChecks',
])
/** The SDK's camelCase attribute names; Kong's snake_case ones are accepted as they are. */
const ATTRIBUTES = new Map<string, string>([
  ['oneOf', 'one_of'],
  ['lenEq', 'len_eq'],
  ['lenMin', 'len_min'],
  ['lenMax', 'len_max'],
  ['startsWith', 'starts_with'],
  ['onDelete', 'on_delete'],
  ['notOneOf', 'not_one_of'],
])
const FIELD_KEYS = new Set([
  'type',
  'description',
  'required',
  'default',
  'unique',
  'auto',
  'timestamp',
  'uuid',
  'immutable',
  'hashed',
  'one_of',
  'not_one_of',
  'len_eq',
  'len_min',
  'len_max',
  'match',
  'starts_with',
  'between',
  'gt',
  'elements',
  'keys',
  'values',
  'fields',
  'reference',
  'on_delete',
  'err',
  'indexed',
])
const CHECK_KINDS = new Set(['at_least_one_of', 'conditional', 'conditional_at_least_one_of'])

type Json = Record<string, unknown>
type Fail = (where: string, reason: string) => Error

/** The plugin's entity schemas, checked; `taken` holds the names other plugins already use. */
export function checkDaos(
  plugin: string,
  raw: unknown,
  taken: ReadonlySet<string> = new Set(),
): EntitySchema[] {
  const fail: Fail = (where, reason) =>
    pluginLoadError('PLUGIN_INVALID', plugin, `daos.ts: ${where}: ${reason}`)
  if (raw === null || raw === undefined) return []
  const list = Array.isArray(raw) ? raw : [raw]
  const names = new Set(list.map((entry) => (isObject(entry) ? entry.name : undefined)))
  const schemas: EntitySchema[] = []
  const collections = new Set<string>()
  list.forEach((entry, index) => {
    const schema = checkEntity(entry, `entity ${index + 1}`, names, fail)
    for (const name of [schema.name, schema.adminApiName, schema.adminApiNestedName]) {
      if (name === undefined) continue
      if (RESERVED.has(name) || taken.has(name) || collections.has(name)) {
        throw fail(schema.name, `the name '${name}' is already taken`)
      }
    }
    collections.add(schema.name)
    if (schema.adminApiName) collections.add(schema.adminApiName)
    schemas.push(schema)
  })
  return schemas
}

function checkEntity(entry: unknown, label: string, names: Set<unknown>, fail: Fail): EntitySchema {
  if (!isObject(entry)) throw fail(label, 'expected an object')
  const name = entry.name
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw fail(label, 'name must be lower case letters, digits and _ (at most 63 characters)')
  }
  const at = (key: string, reason: string) => fail(`${name}.${key}`, reason)
  for (const key of Object.keys(entry)) if (!ENTITY_KEYS.has(key)) throw at(key, 'unknown field')
  if (!Array.isArray(entry.primaryKey) || entry.primaryKey.length !== 1 || entry.primaryKey[0] !== 'id') {
    throw at('primaryKey', "must be ['id']")
  }
  if (!Array.isArray(entry.fields)) throw at('fields', 'expected an array of { name: field } objects')
  const fields = entry.fields.map((definition, i) =>
    checkDefinition(definition, `${name}.fields[${i + 1}]`, names, fail),
  )
  const byName = new Map(fields.map((definition) => Object.entries(definition)[0] as [string, FieldSchema]))
  if (byName.size !== fields.length) throw at('fields', 'a field is declared twice')
  const id = byName.get('id')
  if (id?.type !== 'string' || id.uuid !== true || id.auto !== true) {
    throw at('fields', "needs { id: { type: 'string', uuid: true, auto: true } }")
  }
  const schema: EntitySchema = {
    name,
    primaryKey: ['id'],
    workspaceable: optionalBoolean(entry.workspaceable, at, 'workspaceable') ?? true,
    fields,
  }
  if (entry.cacheKey !== undefined) {
    const keys = entry.cacheKey
    if (
      !Array.isArray(keys) ||
      keys.length === 0 ||
      keys.length > 5 ||
      !keys.every((k) => byName.has(k as string))
    ) {
      throw at('cacheKey', 'expected 1 to 5 names of declared fields')
    }
    schema.cacheKey = keys as string[]
  }
  if (entry.alsoInvalidates !== undefined) {
    const lists = entry.alsoInvalidates
    const valid = (fields: unknown) =>
      Array.isArray(fields) &&
      fields.length > 0 &&
      fields.length <= 5 &&
      fields.every((f) => byName.has(f as string))
    if (!Array.isArray(lists) || !lists.every(valid)) {
      throw at('alsoInvalidates', 'expected lists of 1 to 5 names of declared fields')
    }
    schema.alsoInvalidates = lists as string[][]
  }
  if (entry.endpointKey !== undefined) {
    const key = entry.endpointKey
    if (typeof key !== 'string' || byName.get(key)?.unique !== true || byName.get(key)?.type !== 'string') {
      throw at('endpointKey', 'expected the name of a unique string field')
    }
    schema.endpointKey = key
  }
  const ttl = optionalBoolean(entry.ttl, at, 'ttl')
  if (ttl) schema.ttl = true
  const generate = optionalBoolean(entry.generateAdminApi, at, 'generateAdminApi')
  if (generate === false) schema.generateAdminApi = false
  for (const key of ['adminApiName', 'adminApiNestedName'] as const) {
    const value = entry[key]
    if (value === undefined) continue
    if (typeof value !== 'string' || !COLLECTION.test(value)) {
      throw at(key, 'must be lower case letters, digits, - and _')
    }
    schema[key] = value
  }
  if (entry.entityChecks !== undefined)
    schema.entity_checks = checkEntityChecks(entry.entityChecks, byName, at)
  return schema
}

function checkDefinition(
  definition: unknown,
  where: string,
  names: Set<unknown>,
  fail: Fail,
): FieldDefinition {
  if (!isObject(definition) || Object.keys(definition).length !== 1) {
    throw fail(where, 'expected an object with exactly one field name')
  }
  const [field, spec] = Object.entries(definition)[0] as [string, unknown]
  if (!IDENTIFIER.test(field)) throw fail(where, `'${field}' is not a valid field name`)
  if (field === 'ws_id' || field === 'ttl' || field === 'cache_key') {
    throw fail(where, `'${field}' is managed by the gateway`)
  }
  return { [field]: checkField(spec, `${where.replace(/\.fields\[\d+\]$/, '')}.${field}`, names, fail) }
}

function checkField(spec: unknown, where: string, names: Set<unknown>, fail: Fail): FieldSchema {
  if (!isObject(spec)) throw fail(where, 'expected an object')
  const field: Json = {}
  for (const [key, value] of Object.entries(spec)) {
    const kong = ATTRIBUTES.get(key) ?? key
    if (!FIELD_KEYS.has(kong)) throw fail(where, `unknown attribute '${key}'`)
    field[kong] = value
  }
  const type = field.type
  if (typeof type !== 'string' || !FIELD_TYPES.has(type)) {
    throw fail(where, `type must be one of ${[...FIELD_TYPES].join(', ')}`)
  }
  if (type === 'foreign') {
    const reference = field.reference
    if (typeof reference !== 'string' || !(REFERABLE.has(reference) || names.has(reference))) {
      throw fail(where, `reference must be one of ${[...REFERABLE].join(', ')} or an entity of this plugin`)
    }
    if (
      field.on_delete !== undefined &&
      !['cascade', 'restrict', 'null'].includes(field.on_delete as string)
    ) {
      throw fail(where, "onDelete must be 'cascade', 'restrict' or 'null'")
    }
  } else if (field.reference !== undefined || field.on_delete !== undefined) {
    throw fail(where, 'reference and onDelete are for foreign fields')
  }
  if (field.hashed !== undefined && (field.hashed !== true || type !== 'string')) {
    throw fail(where, 'hashed is for string fields (hashed: true)')
  }
  if (field.match !== undefined) {
    if (typeof field.match !== 'string') throw fail(where, 'match must be a regular expression source')
    try {
      new RegExp(field.match)
    } catch {
      throw fail(where, `match is not a valid regular expression: ${field.match}`)
    }
  }
  for (const key of ['elements', 'keys', 'values'] as const) {
    if (field[key] !== undefined) field[key] = checkField(field[key], `${where}.${key}`, names, fail)
  }
  if (field.fields !== undefined) {
    if (!Array.isArray(field.fields)) throw fail(where, 'fields must be an array of { name: field } objects')
    field.fields = field.fields.map((definition, i) =>
      checkDefinition(definition, `${where}.fields[${i + 1}]`, names, fail),
    )
  }
  return field as unknown as FieldSchema
}

function checkEntityChecks(
  raw: unknown,
  fields: Map<string, FieldSchema>,
  at: (key: string, reason: string) => Error,
): EntityCheck[] {
  if (!Array.isArray(raw)) throw at('entityChecks', 'expected an array')
  return raw.map((check, i) => {
    const kind = isObject(check) ? Object.keys(check) : []
    if (kind.length !== 1 || !CHECK_KINDS.has(kind[0] as string)) {
      throw at(`entityChecks[${i + 1}]`, `expected one of ${[...CHECK_KINDS].join(', ')}`)
    }
    const mentioned = JSON.stringify(check).match(/"(?:if_field|then_field)":"([^"]*)"/g) ?? []
    for (const entry of mentioned) {
      const name = entry.slice(entry.indexOf(':') + 2, -1)
      if (!fields.has(name)) throw at(`entityChecks[${i + 1}]`, `unknown field '${name}'`)
    }
    return check as EntityCheck
  })
}

function optionalBoolean(
  value: unknown,
  at: (key: string, reason: string) => Error,
  key: string,
): boolean | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw at(key, 'expected a boolean')
  return value
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
