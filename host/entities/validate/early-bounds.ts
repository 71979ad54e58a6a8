import type { FieldDefinition } from '../schema-types.ts'
import { MAX_ELEMENTS } from './field.ts'
import type { FieldErrorMap } from './field-errors.ts'
import { fieldEntries, isPlainObject } from './field-list.ts'
import { oversizedArrays } from './oversized-arrays.ts'

/**
 * The size checks of a write's top-level fields, run before anything copies or walks the input:
 * arrays, sets and maps past MAX_ELEMENTS, and plugin configs (abstract records) past their caps.
 * Null when every field is within bounds; validation checks the same (and nested fields) later.
 */
export function earlyBounds(
  fields: readonly FieldDefinition[],
  input: Record<string, unknown>,
): FieldErrorMap | null {
  let errors: FieldErrorMap | null = null
  for (const [name, field] of fieldEntries(fields)) {
    const value = input[name]
    let error = null
    if ((field.type === 'array' || field.type === 'set') && Array.isArray(value)) {
      if (value.length > MAX_ELEMENTS) error = `length must be at most ${MAX_ELEMENTS}`
    } else if (field.type === 'map' && isPlainObject(value)) {
      if (Object.keys(value).length > MAX_ELEMENTS) error = `length must be at most ${MAX_ELEMENTS}`
    } else if (field.type === 'record' && field.abstract && isPlainObject(value)) {
      error = oversizedArrays(value)
    }
    if (error !== null) {
      errors ??= {}
      errors[name] = error
    }
  }
  return errors
}
