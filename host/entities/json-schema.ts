import type { EntitySchema, FieldDefinition, FieldSchema } from './schema-types.ts'

type Json = Record<string, unknown>

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** One Kong field definition as JSON Schema (draft 2020-12 vocabulary). */
function fieldToJsonSchema(field: FieldSchema): Json {
  const out: Json = {}
  switch (field.type) {
    case 'string':
      out.type = 'string'
      if (field.uuid) out.format = 'uuid'
      if (field.len_min !== undefined) out.minLength = field.len_min
      if (field.len_max !== undefined) out.maxLength = field.len_max
      if (field.match !== undefined) out.pattern = field.match
      else if (field.starts_with !== undefined) out.pattern = `^${escapeRegExp(field.starts_with)}`
      break
    case 'integer':
    case 'number':
      out.type = field.type
      if (field.between) {
        out.minimum = field.between[0]
        out.maximum = field.between[1]
      }
      if (field.gt !== undefined) out.exclusiveMinimum = field.gt
      break
    case 'boolean':
      out.type = 'boolean'
      break
    case 'array':
    case 'set':
      out.type = 'array'
      if (field.elements) out.items = fieldToJsonSchema(field.elements)
      if (field.type === 'set') out.uniqueItems = true
      if (field.len_min !== undefined) out.minItems = field.len_min
      if (field.len_max !== undefined) out.maxItems = field.len_max
      break
    case 'map':
      out.type = 'object'
      if (field.values) out.additionalProperties = fieldToJsonSchema(field.values)
      break
    case 'record':
      Object.assign(out, recordToJsonSchema(field.fields ?? []))
      break
    case 'foreign':
      out.type = 'object'
      out.properties = { id: { type: 'string', format: 'uuid' } }
      out.required = ['id']
      break
    case 'json':
      out.type = 'object'
      break
  }
  if (field.one_of) out.enum = [...field.one_of]
  if (field.description) out.description = field.description
  if (field.default !== undefined) out.default = field.default
  if (field.auto) out.readOnly = true
  // Kong fields that are not required accept null; say so, or JSON Schema tools would refuse it.
  if (!field.required && typeof out.type === 'string') out.type = [out.type, 'null']
  return out
}

function recordToJsonSchema(definitions: FieldDefinition[]): Json {
  const properties: Json = {}
  const required: string[] = []
  for (const definition of definitions) {
    for (const [name, field] of Object.entries(definition)) {
      properties[name] = fieldToJsonSchema(field)
      if (field.required && field.default === undefined && !field.auto) required.push(name)
    }
  }
  return { type: 'object', properties, required, additionalProperties: false }
}

/**
 * The JSON Schema of an entity, served beside Kong's `{fields: [...]}` under `json_schema` so JSON
 * Schema tooling can validate request bodies. Entity-level checks (e.g. "one of these fields")
 * have no faithful JSON Schema form; they stay in `entity_checks`.
 */
export function toJsonSchema(schema: EntitySchema): Json {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: schema.name,
    ...recordToJsonSchema(schema.fields),
  }
}
