import type { EntitySchema } from './schema-types.ts'
import { isPlainObject } from './validate/field-list.ts'

type Row = Record<string, unknown>

/** Kong's cache key slots between the entity name and the workspace. */
const SLOTS = 5

/** One part as Kong's `tostring` writes it: unset is empty, a foreign key contributes its id. */
function part(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (isPlainObject(value)) return part(value.id)
  return String(value)
}

/**
 * Kong 3.x `DAO:cache_key`: `<schemaName>:<v1>:<v2>:<v3>:<v4>:<v5>:<ws_id>`, unused slots empty
 * and the workspace id last (empty for entities outside workspaces).
 */
export function kongCacheKey(schemaName: string, parts: readonly unknown[], wsId: string | null): string {
  const values = parts.map(part)
  while (values.length < SLOTS) values.push('')
  return [schemaName, ...values, wsId ?? ''].join(':')
}

/**
 * The keys under which a row can be cached: by its `cacheKey` fields (when the schema has them),
 * by its primary key, since plugins cache by either, and by each `alsoInvalidates` field list
 * (a list cached per parent, such as acl's groups per consumer). Deduplicated.
 */
export function entityCacheKeys(schema: EntitySchema, row: Row): string[] {
  const ws = schema.workspaceable ? ((row.ws_id as string | null | undefined) ?? null) : null
  const sources = [
    ...(schema.cacheKey?.length ? [schema.cacheKey] : []),
    schema.primaryKey,
    ...(schema.alsoInvalidates ?? []),
  ]
  const keys = sources.map((fields) =>
    kongCacheKey(
      schema.name,
      fields.map((name) => row[name]),
      ws,
    ),
  )
  return [...new Set(keys)]
}

/** The keys of a row before and after a change (either may be absent), deduplicated. */
export function changeCacheKeys(schema: EntitySchema, before: Row | null, after: Row | null): string[] {
  const keys = [
    ...(before ? entityCacheKeys(schema, before) : []),
    ...(after ? entityCacheKeys(schema, after) : []),
  ]
  return [...new Set(keys)]
}
