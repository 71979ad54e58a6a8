import type { EntityCheck, FieldDefinition } from '../schema-types.ts'
import { runEntityChecks } from './entity-checks.ts'
import { validateField } from './field.ts'
import type { FieldErrorMap } from './field-errors.ts'
import { fieldEntries } from './field-list.ts'

export interface RecordValidation {
  /** Insert/upsert: required fields must be present. Update: only explicit nulls fail. */
  full: boolean
  checks?: EntityCheck[] | undefined
  /** Kong words some entity-check messages differently during updates. */
  updating?: boolean
  /** Fields accepted without validation (e.g. `ws_id`, handled by the DAO). */
  ignore?: readonly string[]
}

/** Validates a record's fields and entity checks; null when valid (kong/db/schema/init.lua `validate`). */
export function validateRecord(
  fields: readonly FieldDefinition[],
  input: Record<string, unknown>,
  options: RecordValidation,
): FieldErrorMap | null {
  const errors: FieldErrorMap = {}
  const definitions = new Map(fieldEntries(fields))
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined || options.ignore?.includes(name)) continue
    const field = definitions.get(name)
    if (!field) {
      errors[name] = 'unknown field'
      continue
    }
    const error = validateField(field, value)
    if (error !== null) errors[name] = error
  }
  for (const [name, field] of definitions) {
    const value = input[name]
    if (field.required && (value === null || (options.full && value === undefined))) {
      errors[name] = 'required field missing'
    }
  }
  runEntityChecks(fields, input, options, errors)
  return Object.keys(errors).length > 0 ? errors : null
}
