import { deref, isSchema, type JsonSchema } from './json-schema-walk.ts'

export type KongField = Record<string, unknown>
export type KongFieldDefinition = Record<string, KongField>

const MAX_DEPTH = 16

/** The JSON types a schema allows (without null), from `type` or from its anyOf/oneOf branches. */
function typesOf(schema: JsonSchema, root: JsonSchema): { types: string[]; branch?: JsonSchema } {
  const declared = Array.isArray(schema.type)
    ? schema.type
    : typeof schema.type === 'string'
      ? [schema.type]
      : []
  const types = declared.filter((type): type is string => typeof type === 'string' && type !== 'null')
  if (types.length > 0) return { types }
  const branches = (
    Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : []
  )
    .map((branch) => deref(branch, root))
    .filter((branch): branch is JsonSchema => branch !== undefined && branch.type !== 'null')
  if (branches.length === 1)
    return { types: typesOf(branches[0] as JsonSchema, root).types, branch: branches[0] }
  if (isSchema(schema.properties) || schema.additionalProperties !== undefined) return { types: ['object'] }
  if (schema.items !== undefined || schema.prefixItems !== undefined) return { types: ['array'] }
  if (schema.const !== undefined && schema.const !== null && typeof schema.const !== 'object') {
    return { types: [typeof schema.const] }
  }
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const kinds = new Set(schema.enum.filter((value) => value !== null).map((value) => typeof value))
    if (kinds.size === 1) return { types: [kinds.has('number') ? 'number' : ([...kinds][0] as string)] }
  }
  return { types: [] }
}

function numberRules(schema: JsonSchema, field: KongField): void {
  if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number') {
    field.between = [schema.minimum, schema.maximum]
  }
  if (typeof schema.exclusiveMinimum === 'number') field.gt = schema.exclusiveMinimum
}

function stringRules(schema: JsonSchema, field: KongField): void {
  if (typeof schema.minLength === 'number') field.len_min = schema.minLength
  if (typeof schema.maxLength === 'number') field.len_max = schema.maxLength
  if (typeof schema.pattern === 'string') field.match = schema.pattern
  if (schema.format === 'uuid') field.uuid = true
}

function objectField(schema: JsonSchema, root: JsonSchema, depth: number): KongField {
  const properties = isSchema(schema.properties) ? schema.properties : {}
  if (Object.keys(properties).length > 0) return { type: 'record', fields: recordFields(schema, root, depth) }
  const values = deref(schema.additionalProperties, root)
  const patterns = isSchema(schema.patternProperties) ? Object.entries(schema.patternProperties) : []
  if (patterns.length === 1) {
    const [pattern, value] = patterns[0] as [string, unknown]
    return {
      type: 'map',
      keys: { type: 'string', match: pattern },
      values: translate(deref(value, root) ?? {}, root, depth + 1),
    }
  }
  if (values) {
    const names = deref(schema.propertyNames, root)
    return {
      type: 'map',
      keys: names ? { ...translate(names, root, depth + 1), type: 'string' } : { type: 'string' },
      values: translate(values, root, depth + 1),
    }
  }
  // A free-form object: Kong 3's `json` field type.
  return { type: 'json' }
}

function translate(input: JsonSchema, root: JsonSchema, depth: number): KongField {
  const schema = deref(input, root) ?? {}
  if (depth > MAX_DEPTH) return { type: 'json' }
  const { types, branch } = typesOf(schema, root)
  if (branch) return { ...translate(branch, root, depth + 1), ...annotations(schema) }
  let field: KongField
  switch (types.length === 1 ? types[0] : undefined) {
    case 'string':
      field = { type: 'string' }
      stringRules(schema, field)
      break
    case 'integer':
    case 'number':
      field = { type: types[0] }
      numberRules(schema, field)
      break
    case 'boolean':
      field = { type: 'boolean' }
      break
    case 'array': {
      field = { type: schema.uniqueItems === true ? 'set' : 'array' }
      const items = deref(schema.items, root)
      field.elements = items ? translate(items, root, depth + 1) : { type: 'json' }
      if (typeof schema.minItems === 'number') field.len_min = schema.minItems
      if (typeof schema.maxItems === 'number') field.len_max = schema.maxItems
      break
    }
    case 'object':
      field = objectField(schema, root, depth)
      break
    default:
      field = { type: 'json' }
  }
  if (Array.isArray(schema.enum)) field.one_of = schema.enum.filter((value) => value !== null)
  if (schema.const !== undefined) field.eq = schema.const
  return { ...field, ...annotations(schema) }
}

function annotations(schema: JsonSchema): KongField {
  const out: KongField = {}
  if (schema.default !== undefined) out.default = structuredClone(schema.default)
  if (typeof schema.description === 'string') out.description = schema.description
  return out
}

function recordFields(schema: JsonSchema, root: JsonSchema, depth: number): KongFieldDefinition[] {
  const properties = isSchema(schema.properties) ? schema.properties : {}
  const required = new Set(Array.isArray(schema.required) ? schema.required : [])
  return Object.entries(properties).map(([name, property]) => {
    const field = translate(isSchema(property) ? property : {}, root, depth + 1)
    // Kong marks fields that always end up with a value as required (a default fills them);
    // a null default leaves the field optional (Kong's `anonymous`, `realm`).
    if (required.has(name) || (field.default !== undefined && field.default !== null)) field.required = true
    return { [name]: sortKeys(field) }
  })
}

/** Kong's usual key order: type, required, default first, then the rest. */
function sortKeys(field: KongField): KongField {
  const { type, required, default: fallback, ...rest } = field
  const out: KongField = { type }
  if (required !== undefined) out.required = required
  if (fallback !== undefined) out.default = fallback
  return { ...out, ...rest }
}

/**
 * A plugin's config JSON Schema (an object schema) as Kong's record fields: `{ fields: [...] }`
 * with Kong's types (record, map, array/set with `elements`, string, integer, number, boolean),
 * validators that have a Kong twin (one_of, between, gt, len_min/len_max, match, uuid), defaults
 * and descriptions. What has no Kong form (one-sided bounds, anyOf of several types, formats) stays
 * only in the JSON Schema, which is served beside it.
 */
export function toKongFields(config: JsonSchema): { fields: KongFieldDefinition[] } {
  return { fields: recordFields(config, config, 0) }
}
