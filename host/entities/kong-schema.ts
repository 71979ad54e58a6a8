import { toJsonSchema } from './json-schema.ts'
import type { EntityCheck, EntitySchema, FieldSchema } from './schema-types.ts'

type Json = Record<string, unknown>

/** A field definition as /schemas serves it: host-only functions dropped, nested parts cleaned too. */
function cleanField(field: FieldSchema): Json {
  const output: Json = {}
  for (const [key, value] of Object.entries(field)) {
    if (typeof value === 'function') continue
    if (key === 'elements' || key === 'keys' || key === 'values')
      output[key] = cleanField(value as FieldSchema)
    else if (key === 'fields') output[key] = (value as Record<string, FieldSchema>[]).map(cleanDefinition)
    else output[key] = structuredClone(value)
  }
  // Free-form objects are Kong records without declared fields.
  if (field.type === 'json') {
    output.type = 'record'
    output.fields = []
  }
  return output
}

const cleanDefinition = (definition: Record<string, FieldSchema>): Json =>
  Object.fromEntries(Object.entries(definition).map(([name, field]) => [name, cleanField(field)]))

/**
 * Kong's `GET /schemas/{entity}` body: `{ fields: [{name: {...}}, ...] }` (+ `entity_checks` when
 * any), with the same schema as JSON Schema beside it (SPEC §3).
 */
export function toKongSchema(schema: EntitySchema): {
  fields: Json[]
  entity_checks?: EntityCheck[]
  json_schema: Json
} {
  const body: { fields: Json[]; entity_checks?: EntityCheck[]; json_schema: Json } = {
    fields: schema.fields.map(cleanDefinition),
    json_schema: toJsonSchema(schema),
  }
  if (schema.entity_checks?.length) body.entity_checks = structuredClone(schema.entity_checks)
  return body
}
