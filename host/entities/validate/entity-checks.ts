import type { EntityCheck, FieldConstraint, FieldDefinition, FieldSchema } from '../schema-types.ts'
import { validateField } from './field.ts'
import { addEntityError, type FieldErrorMap } from './field-errors.ts'
import { findField } from './field-list.ts'

interface CheckOptions {
  full: boolean
  updating?: boolean
}

/** Kong's `is_nonempty`: not null, not an empty string, array or object. */
export function isNonEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value as object).length > 0
  return true
}

export const quotedList = (names: readonly string[]): string => names.map((name) => `'${name}'`).join(', ')

function matches(
  fields: readonly FieldDefinition[],
  name: string,
  constraint: FieldConstraint,
  value: unknown,
) {
  const merged = { ...(findField(fields, name) as FieldSchema), ...constraint } as FieldSchema
  return validateField(merged, value)
}

function atLeastOneOf(
  names: string[],
  input: Record<string, unknown>,
  options: CheckOptions,
  errors: FieldErrorMap,
) {
  const present = names.some((name) => input[name] !== undefined)
  if (!present && !options.full) return
  if (names.some((name) => isNonEmpty(input[name]))) return
  const prefix = options.updating ? 'when updating, ' : ''
  addEntityError(errors, `${prefix}at least one of these fields must be non-empty: ${quotedList(names)}`)
}

function conditional(
  fields: readonly FieldDefinition[],
  arg: Extract<EntityCheck, { conditional: unknown }>['conditional'],
  input: Record<string, unknown>,
  options: CheckOptions,
  errors: FieldErrorMap,
) {
  const ifValue = input[arg.if_field]
  const thenValue = input[arg.then_field] ?? null
  if (ifValue === undefined) {
    // Kong skips the check when none of its fields is given (partial update), else demands if_field.
    if (input[arg.then_field] === undefined) return
    errors[arg.if_field] = `field required for entity check${options.updating ? ' when updating' : ''}`
    return
  }
  if (matches(fields, arg.if_field, arg.if_match, ifValue) !== null) return
  const failed = `failed conditional validation given value of field '${arg.if_field}'`
  if (arg.then_match.required === true && thenValue === null) {
    errors[arg.then_field] = 'required field missing'
    addEntityError(errors, failed)
    return
  }
  const error = matches(fields, arg.then_field, arg.then_match, thenValue)
  if (error === null) return
  errors[arg.then_field] = error
  addEntityError(errors, arg.then_err ?? failed)
}

function conditionalAtLeastOneOf(
  fields: readonly FieldDefinition[],
  arg: Extract<EntityCheck, { conditional_at_least_one_of: unknown }>['conditional_at_least_one_of'],
  input: Record<string, unknown>,
  options: CheckOptions,
  errors: FieldErrorMap,
) {
  const ifValue = input[arg.if_field]
  if (ifValue === undefined || ifValue === null) return
  let names = arg.then_at_least_one_of
  let custom = arg.then_err
  if (matches(fields, arg.if_field, arg.if_match, ifValue) !== null) {
    if (!arg.else_match || !arg.else_then_at_least_one_of) return
    if (matches(fields, arg.if_field, arg.else_match, ifValue) !== null) return
    names = arg.else_then_at_least_one_of
    custom = arg.else_then_err
  }
  if (names.some((name) => isNonEmpty(input[name]))) return
  const list = quotedList(names)
  if (custom) addEntityError(errors, custom.replace('%s', list))
  else
    addEntityError(
      errors,
      `${options.updating ? 'when updating, ' : ''}at least one of these fields must be non-empty: ${list}`,
    )
}

/** Runs declarative entity checks; messages go to `@entity`, field messages beside the fields. */
export function runEntityChecks(
  fields: readonly FieldDefinition[],
  input: Record<string, unknown>,
  options: CheckOptions & { checks?: EntityCheck[] | undefined },
  errors: FieldErrorMap,
): void {
  for (const check of options.checks ?? []) {
    if ('at_least_one_of' in check) atLeastOneOf(check.at_least_one_of, input, options, errors)
    else if ('conditional' in check) conditional(fields, check.conditional, input, options, errors)
    else conditionalAtLeastOneOf(fields, check.conditional_at_least_one_of, input, options, errors)
  }
}
