import type { EntitySchema, FieldSchema } from '../schema-types.ts'
import { fieldEntries } from '../validate/field-list.ts'
import { remainingSeconds } from './ttl.ts'

/**
 * The one place where entity values meet columns, so every dialect stores the same thing:
 * foreign keys `{id}` ↔ `<field>_id`, booleans ↔ 0/1, arrays/records/maps ↔ JSON text.
 */
type Row = Record<string, unknown>

const JSON_TYPES = new Set(['array', 'set', 'map', 'record', 'json'])

export const columnOf = (name: string, field: FieldSchema): string =>
  field.type === 'foreign' ? `${name}_id` : name

function encode(field: FieldSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null
  // `{ id }` as entities carry it; a bare id as lookups (kong.db `selectBy<Foreign>`) may give it.
  if (field.type === 'foreign') return typeof value === 'object' ? (value as { id?: unknown }).id : value
  if (field.type === 'boolean') return value ? 1 : 0
  if (JSON_TYPES.has(field.type)) return JSON.stringify(value)
  return value
}

function decode(field: FieldSchema, value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (field.type === 'foreign') return { id: value }
  if (field.type === 'boolean') return value === 1 || value === true
  if (JSON_TYPES.has(field.type)) return JSON.parse(value as string)
  return value
}

/** Entity → column values (with `ws_id` for workspaceable entities). */
export function toColumns(schema: EntitySchema, entity: Row, ws: string | null): Row {
  const row: Row = {}
  for (const [name, field] of fieldEntries(schema.fields))
    row[columnOf(name, field)] = encode(field, entity[name])
  if (schema.workspaceable) row.ws_id = ws
  return row
}

/**
 * Columns → the Kong-shaped entity: every field present, null where unset; `ttl` (seconds left)
 * only on rows that expire, as Kong shows it.
 */
export function fromColumns<T>(schema: EntitySchema, row: Row, now = Date.now()): T {
  const entity: Row = {}
  for (const [name, field] of fieldEntries(schema.fields))
    entity[name] = decode(field, row[columnOf(name, field)])
  if (schema.workspaceable) entity.ws_id = row.ws_id
  if (schema.ttl && row.ttl != null) entity.ttl = remainingSeconds(Number(row.ttl), now)
  return entity as T
}

/** The column for an `=` lookup on a field (foreign fields compare ids). */
export function encodeLookup(field: FieldSchema, value: unknown): unknown {
  return encode(field, value)
}
