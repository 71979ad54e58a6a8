import { hashPassword, isPasswordHash } from '../../crypto/index.ts'
import type { EntitySchema } from '../schema-types.ts'
import { fieldEntries, isPlainObject } from '../validate/field-list.ts'

/**
 * `hashed` fields of an input replaced by their scrypt hash, before the write's transaction begins
 * (hashing takes tens of milliseconds; the database lock should not wait for it). Values that are
 * not strings are left for validation to refuse; values already hashed are kept as they are.
 */
export async function hashFields(schema: EntitySchema, input: unknown): Promise<unknown> {
  if (!isPlainObject(input)) return input
  let output: Record<string, unknown> | null = null
  for (const [name, field] of fieldEntries(schema.fields)) {
    const value = input[name]
    if (!field.hashed || typeof value !== 'string' || isPasswordHash(value)) continue
    output ??= { ...input }
    output[name] = await hashPassword(value)
  }
  return output ?? input
}
