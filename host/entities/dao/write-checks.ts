import { type FieldErrors, GatewayError } from '../../errors/index.ts'
import type { Db } from '../../storage/index.ts'
import type { EntitySchema } from '../schema-types.ts'
import { isUuid } from '../validate/field.ts'
import { luaPretty } from '../validate/field-errors.ts'
import { fieldEntries, isPlainObject } from '../validate/field-list.ts'
import { columnOf, encodeLookup } from './rows.ts'

type Row = Record<string, unknown>

/** What the checks need to know about another collection. */
export interface Collection {
  readonly schema: EntitySchema
  /** The id of the row whose `field` equals `value` (in workspace `ws` when workspaceable), or null. */
  findId(db: Db, ws: string, field: string, value: unknown): Promise<string | null>
}
export type CollectionLookup = (name: string) => Collection | undefined

/** Kong's `resolve_foreign`: `{ name: "x" }` (any unique field) instead of `{ id }` is resolved to the id. */
export async function resolveForeign(
  db: Db,
  ws: string,
  schema: EntitySchema,
  entity: Row,
  lookup: CollectionLookup,
) {
  const errors: Record<string, Record<string, string>> = {}
  const parts: string[] = []
  for (const [name, field] of fieldEntries(schema.fields)) {
    const value = entity[name]
    if (field.type !== 'foreign' || !isPlainObject(value) || value.id !== undefined) continue
    const target = lookup(field.reference as string)
    if (!target) continue
    for (const [key, targetField] of fieldEntries(target.schema.fields)) {
      const wanted = value[key]
      if (!(targetField.unique || target.schema.endpointKey === key) || typeof wanted !== 'string') continue
      const id = await target.findId(db, ws, key, wanted)
      if (id) {
        entity[name] = { id }
        break
      }
      const message = `the foreign key cannot be resolved with '${luaPretty({ [key]: wanted })}' for an existing '${target.schema.name}' entity`
      errors[name] = { ...errors[name], [key]: message }
      parts.push(`${name}.${key}: ${message}`)
    }
  }
  if (parts.length === 0) return
  const message =
    parts.length === 1
      ? `foreign key unresolved (${parts[0]})`
      : `${parts.length} foreign keys unresolved (${parts.join('; ')})`
  throw new GatewayError('FOREIGN_KEYS_UNRESOLVED', message, errors)
}

/** Every foreign key must reference an existing row of the same workspace. */
export async function checkForeignKeys(
  db: Db,
  ws: string,
  schema: EntitySchema,
  entity: Row,
  lookup: CollectionLookup,
) {
  for (const [name, field] of fieldEntries(schema.fields)) {
    const value = entity[name] as { id?: string } | null | undefined
    if (field.type !== 'foreign' || !value || !isUuid(value.id)) continue
    const target = lookup(field.reference as string)
    const found = target ? await target.findId(db, ws, 'id', value.id) : null
    if (found) continue
    throw new GatewayError(
      'FOREIGN_KEY_VIOLATION',
      `the foreign key '${luaPretty({ id: value.id })}' does not reference an existing '${field.reference}' entity.`,
      { [name]: { id: value.id } },
    )
  }
}

/** Ids are global: inserting an id that exists anywhere is Kong's primary key violation. */
export async function checkPrimaryKey(db: Db, schema: EntitySchema, id: string) {
  const row = await db.selectFrom(schema.name).select('id').where('id', '=', id).executeTakeFirst()
  if (!row) return
  throw new GatewayError('PRIMARY_KEY_VIOLATION', `primary key violation on key '${luaPretty({ id })}'`, {
    id,
  })
}

const uniqueViolation = (key: Row) =>
  new GatewayError('UNIQUE_VIOLATION', `UNIQUE violation detected on '${luaPretty(key)}'`, key as FieldErrors)

/** Kong's composite cache key (plugins: name, route, service, consumer), stored in `cache_key`. */
export function cacheKeyOf(schema: EntitySchema, entity: Row): string | null {
  if (!schema.cacheKey || schema.cacheKey.length < 2) return null
  return schema.cacheKey
    .map((name) => {
      const value = entity[name]
      return isPlainObject(value) ? String(value.id) : value == null ? '' : String(value)
    })
    .join(':')
}

/** Unique fields (per workspace for workspaceable entities) and the composite cache key. */
export async function checkUnique(db: Db, ws: string, schema: EntitySchema, entity: Row) {
  // Another row of the same scope (workspace, or all rows for workspaces) where `column` = `value`.
  const clash = (column: string, value: unknown) => {
    let query = db.selectFrom(schema.name).select('id').where(column, '=', value).where('id', '!=', entity.id)
    if (schema.workspaceable) query = query.where('ws_id', '=', ws)
    return query.executeTakeFirst()
  }
  for (const [name, field] of fieldEntries(schema.fields)) {
    const value = entity[name]
    if (!field.unique || value == null) continue
    if (await clash(columnOf(name, field), encodeLookup(field, value)))
      throw uniqueViolation({ [name]: value })
  }
  const cacheKey = cacheKeyOf(schema, entity)
  if (cacheKey === null || !(await clash('cache_key', cacheKey))) return
  throw uniqueViolation(
    Object.fromEntries((schema.cacheKey ?? []).map((name) => [name, entity[name] ?? null])),
  )
}
