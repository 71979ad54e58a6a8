import { randomUUID } from 'node:crypto'
import type { FieldDefinition, FieldSchema } from '../schema-types.ts'
import { fieldEntries, isPlainObject } from './field-list.ts'

export type WriteContext = 'insert' | 'upsert' | 'update'
type Row = Record<string, unknown>

const copy = <T>(value: T): T => structuredClone(value)

/** Kong's `handle_missing_field`: the default, null when optional, nested defaults for required records. */
function missingValue(field: FieldSchema, now: number): unknown {
  if (field.default !== undefined) return copy(field.default)
  if (field.required !== true) return null
  if (field.type === 'record' && !field.abstract)
    return processAutoFields(field.fields ?? [], {}, 'insert', now)
  return undefined
}

function adjust(field: FieldSchema, value: unknown, context: WriteContext, now: number): unknown {
  if (field.abstract) return value
  if (field.type === 'record') {
    const recurse =
      context === 'update' ? value != null : value !== null && (value !== undefined || field.required)
    if (recurse) {
      const record = value ?? missingValue(field, now)
      if (isPlainObject(record)) return processAutoFields(field.fields ?? [], record, context, now)
      return record
    }
  } else if (Array.isArray(value)) {
    let list: unknown[] = value
    // Sets keep the first occurrence of each element, as Kong's make_set does (by identity: records stay).
    if (field.type === 'set') list = [...new Set(list)]
    const elements = field.elements
    if (elements?.type === 'record') list = list.map((element) => adjust(elements, element, context, now))
    value = list
  }
  if (value === undefined && context !== 'update') return missingValue(field, now)
  return value
}

/**
 * Kong's `process_auto_fields` for writes: ids and timestamps, defaults for missing fields on insert
 * and upsert (never on update), nested record defaults, de-duplicated sets. Returns a new object;
 * keys the schema does not know are kept (validation reports them as unknown).
 */
export function processAutoFields(
  fields: readonly FieldDefinition[],
  data: Row,
  context: WriteContext,
  now: number,
): Row {
  const output: Row = copy(data)
  const creating = context === 'insert' || context === 'upsert'
  for (const [name, field] of fieldEntries(fields)) {
    if (field.auto) {
      if (field.uuid && creating && output[name] === undefined) output[name] = randomUUID()
      // Kong's utils.random_string(): 32 hex characters (key-auth's generated keys).
      else if (field.type === 'string' && !field.uuid && creating && output[name] == null)
        output[name] = randomUUID().replaceAll('-', '')
      else if (name === 'created_at' && creating && output[name] == null) output[name] = now
      else if (name === 'updated_at') output[name] = now
    }
    const value = adjust(field, output[name], context, now)
    if (value === undefined) delete output[name]
    else output[name] = value
  }
  return output
}

function deepMerge(top: Row, bottom: Row): Row {
  const output: Row = { ...bottom }
  for (const [key, value] of Object.entries(top)) {
    output[key] = isPlainObject(value) && isPlainObject(bottom[key]) ? deepMerge(value, bottom[key]) : value
  }
  return output
}

/** Kong's `merge_values` for PATCH: given fields win, records merge field by field, arrays are replaced. */
export function mergeValues(fields: readonly FieldDefinition[], top: Row, bottom: Row): Row {
  const output: Row = { ...bottom, ...top }
  for (const [name, field] of fieldEntries(fields)) {
    const topValue = top[name]
    if (topValue === undefined) continue
    const bottomValue = bottom[name]
    if (field.type !== 'record' || !isPlainObject(topValue) || !isPlainObject(bottomValue)) continue
    // Plugin config is abstract here; its plugin schema is a record too, so it is merged deeply.
    output[name] = field.abstract
      ? deepMerge(topValue, bottomValue)
      : mergeValues(field.fields ?? [], topValue, bottomValue)
  }
  return output
}
