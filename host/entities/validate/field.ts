import type { FieldSchema } from '../schema-types.ts'
import type { FieldError, FieldErrorMap } from './field-errors.ts'
import { isPlainObject } from './field-list.ts'
import { validateRecord } from './record.ts'

/**
 * Elements an array, set or map of an entity may hold (Kong has no cap; one keeps every later step
 * of a write, and the `tags` rows it becomes, bounded). Checked before the elements are.
 */
export const MAX_ELEMENTS = 1000
const tooMany = `length must be at most ${MAX_ELEMENTS}`

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

const quoted = (words: readonly (string | readonly string[])[]): string =>
  words.map((word) => (typeof word === 'string' ? `'${word}'` : `(${quoted(word)})`)).join(', ')

/** Kong measures strings in bytes, maps in keys, arrays in elements. */
function lengthOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value)
  if (Array.isArray(value)) return value.length
  return isPlainObject(value) ? Object.keys(value).length : 0
}

/** Kong's validators, in Kong's order; the first failure wins. The value's type was checked first. */
// biome-ignore lint/suspicious/noExplicitAny: each validator applies to the type it is declared on
function runValidators(field: FieldSchema, value: any): string | null {
  const checks: (() => string | null)[] = [
    () => (field.ne !== undefined && value === field.ne ? `value must not be ${String(value)}` : null),
    () => (field.not_one_of?.includes(value) ? `must not be one of: ${field.not_one_of.join(', ')}` : null),
    () =>
      field.one_of && !field.one_of.includes(value) ? `expected one of: ${field.one_of.join(', ')}` : null,
    () => (field.gt !== undefined && !(value > field.gt) ? `value must be greater than ${field.gt}` : null),
    () => (field.timestamp && !(value > 0) ? 'expected a valid timestamp' : null),
    () => (field.uuid && !isUuid(value) ? 'expected a valid UUID' : null),
    () =>
      field.between && (value < field.between[0] || value > field.between[1])
        ? `value should be between ${field.between[0]} and ${field.between[1]}`
        : null,
    () =>
      field.len_eq !== undefined && lengthOf(value) !== field.len_eq
        ? `length must be ${field.len_eq}`
        : null,
    () =>
      field.len_min !== undefined && lengthOf(value) < field.len_min
        ? `length must be at least ${field.len_min}`
        : null,
    () =>
      field.len_max !== undefined && lengthOf(value) > field.len_max
        ? `length must be at most ${field.len_max}`
        : null,
    () =>
      field.starts_with !== undefined && !String(value).startsWith(field.starts_with)
        ? `should start with: ${field.starts_with}`
        : null,
    () => field.match_none?.find((rule) => new RegExp(rule.pattern).test(value))?.err ?? null,
    () =>
      field.match !== undefined && !new RegExp(field.match).test(value) ? `invalid value: ${value}` : null,
    () => field.match_all?.find((rule) => !new RegExp(rule.pattern).test(value))?.err ?? null,
    () =>
      field.match_any && !field.match_any.patterns.some((pattern) => new RegExp(pattern).test(value))
        ? field.match_any.err
        : null,
    () =>
      field.contains !== undefined && !value.includes(field.contains)
        ? `expected to contain: ${field.contains}`
        : null,
    () => (field.custom_validator ? field.custom_validator(value) : null),
    () =>
      field.mutually_exclusive_subsets ? exclusiveSubsets(field.mutually_exclusive_subsets, value) : null,
  ]
  for (const check of checks) {
    const error = check()
    if (error !== null) return field.err ?? error
  }
  return null
}

function exclusiveSubsets(subsets: readonly (readonly string[])[], values: string[]): string | null {
  const used: (readonly string[])[] = []
  for (const value of values) {
    const subset = subsets.find((candidate) => candidate.includes(value))
    if (subset && !used.includes(subset)) used.push(subset)
  }
  return used.length <= 1 ? null : `these sets are mutually exclusive: ${quoted(used)}`
}

function validateElements(field: FieldSchema, values: unknown[]): FieldError | null {
  const elements: FieldSchema = { ...(field.elements as FieldSchema), required: true }
  const errors = values.map((value) => validateField(elements, value))
  return errors.some((error) => error !== null) ? errors : null
}

/** Type-specific checks; null when the value has the right shape (and its parts are valid). */
function validateType(field: FieldSchema, value: unknown): FieldError | null {
  switch (field.type) {
    case 'array':
    case 'set':
      if (!Array.isArray(value)) return field.type === 'array' ? 'expected an array' : 'expected a set'
      if (value.length > MAX_ELEMENTS) return tooMany
      return validateElements(field, value)
    case 'map': {
      if (!isPlainObject(value)) return 'expected a map'
      if (Object.keys(value).length > MAX_ELEMENTS) return tooMany
      const keys: FieldSchema = { ...(field.keys as FieldSchema), required: true }
      const values: FieldSchema = { ...(field.values as FieldSchema), required: true }
      for (const [key, entry] of Object.entries(value)) {
        const error = validateField(keys, key) ?? validateField(values, entry)
        if (error !== null) return error
      }
      return null
    }
    case 'record':
      if (!isPlainObject(value)) return 'expected a record'
      return validateRecord(field.fields ?? [], value, { full: true, checks: field.entity_checks })
    case 'json':
      return isPlainObject(value) ? null : 'expected a record'
    case 'foreign':
      if (!isPlainObject(value)) return 'expected a record'
      if (value.id === undefined) return { id: 'missing primary key' }
      return isUuid(value.id) ? null : ({ id: 'expected a valid UUID' } as FieldErrorMap)
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) ? null : 'expected an integer'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'expected a number'
    case 'boolean':
      return typeof value === 'boolean' ? null : 'expected a boolean'
    case 'string':
      return typeof value === 'string' ? null : 'expected a string'
  }
}

/** Validates one value against its definition (kong/db/schema/init.lua `validate_field`). */
export function validateField(field: FieldSchema, value: unknown): FieldError | null {
  if (value === null || value === undefined) {
    if (field.ne === null) return field.err ?? 'value must not be null'
    if (field.required) return 'required field missing'
    return null
  }
  if (field.eq === null) return field.err ?? 'value must be null'
  if (field.abstract) return null
  const typeError = validateType(field, value)
  if (typeError !== null) return typeError
  // Empty strings are refused unless the definition says otherwise, as in Kong.
  const effective = field.type === 'string' && field.len_min === undefined ? { ...field, len_min: 1 } : field
  return runValidators(effective, value)
}
