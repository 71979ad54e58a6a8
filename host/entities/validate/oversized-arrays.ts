import type { FieldError, FieldErrorMap } from './field-errors.ts'
import { isPlainObject } from './field-list.ts'

/** Elements a plugin config array of scalars (or keys a config object) may hold (linear to check). */
export const MAX_CONFIG_SCALARS = 10_000
/**
 * Elements a plugin config array holding objects or arrays may hold: ajv's `uniqueItems` compares
 * such elements pairwise (quadratic: 1,000 cost ~40 ms, 10,000 ~2 s).
 */
export const MAX_CONFIG_RECORDS = 1_000
const MAX_DEPTH = 1000

/**
 * The arrays (and objects) of a plugin config larger than the caps above, as Kong-shaped field
 * errors (records by field, arrays by element), or null. Runs before the config is copied or the
 * plugin's own schema sees it.
 */
export function oversizedArrays(value: unknown, depth = 0): FieldError | null {
  if (depth > MAX_DEPTH) return 'nested too deeply'
  if (Array.isArray(value)) {
    const nested = value.some((element) => typeof element === 'object' && element !== null)
    const cap = nested ? MAX_CONFIG_RECORDS : MAX_CONFIG_SCALARS
    if (value.length > cap) return `length must be at most ${cap}`
    if (!nested) return null
    let errors: (FieldError | null)[] | null = null
    value.forEach((element, i) => {
      const error = oversizedArrays(element, depth + 1)
      if (error === null) return
      errors ??= value.map(() => null)
      errors[i] = error
    })
    return errors
  }
  if (!isPlainObject(value)) return null
  const keys = Object.keys(value)
  if (keys.length > MAX_CONFIG_SCALARS) return `length must be at most ${MAX_CONFIG_SCALARS}`
  let errors: FieldErrorMap | null = null
  for (const key of keys) {
    const child = value[key]
    const error = oversizedArrays(child, depth + 1)
    if (error === null) continue
    errors ??= {}
    Object.defineProperty(errors, key, { value: error, enumerable: true, writable: true, configurable: true })
  }
  return errors
}
