import type { FieldDefinition, FieldSchema } from '../entities/index.ts'
import { isRecord, setOwn } from './form.ts'

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/**
 * Types form-encoded strings from the schema, as Kong's `arguments.infer` does: "" → null,
 * numbers and booleans parsed, a lone value of an array field wrapped in an array, records and
 * maps typed field by field. Anything that does not fit stays a string for the DAO to reject.
 */
export function inferRecord(
  value: Record<string, unknown>,
  fields: readonly FieldDefinition[],
): Record<string, unknown> {
  for (const definition of fields) {
    for (const [name, field] of Object.entries(definition)) {
      if (Object.hasOwn(value, name)) setOwn(value, name, inferValue(value[name], field))
    }
  }
  return value
}

export function inferValue(value: unknown, field: FieldSchema | undefined): unknown {
  if (!field) return value
  if (value === '') return null
  switch (field.type) {
    case 'integer':
    case 'number':
      return typeof value === 'string' && NUMERIC.test(value) ? Number(value) : value
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value
    case 'array':
    case 'set': {
      const list = Array.isArray(value) ? value : [value]
      return list.map((element) => inferValue(element, field.elements))
    }
    case 'map':
      if (isRecord(value)) {
        for (const key of Object.keys(value)) setOwn(value, key, inferValue(value[key], field.values))
      }
      return value
    case 'record':
      return isRecord(value) && field.fields ? inferRecord(value, field.fields) : value
    default:
      return value
  }
}
