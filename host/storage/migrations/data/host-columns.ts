import type { ColumnType } from '../../../../sdk/index.ts'
import type { EntitySchema } from '../../../entities/index.ts'

/** A column the gateway adds to a plugin table for its own bookkeeping, and why. */
export interface HostColumn {
  name: string
  type: ColumnType
  because: string
}

/**
 * What the generic DAO writes besides the entity's fields (host/entities/dao): `ws_id` for
 * workspaceable entities, `ttl` (the expiry in epoch milliseconds, dao/ttl.ts) for entities with `ttl`, and
 * `cache_key` when the cache key has several fields (write-checks.ts `cacheKeyOf`).
 */
export function hostColumns(entity: EntitySchema): HostColumn[] {
  const columns: HostColumn[] = []
  if (entity.workspaceable)
    columns.push({ name: 'ws_id', type: 'uuid', because: 'the entity is workspaceable' })
  if (entity.ttl) columns.push({ name: 'ttl', type: 'integer', because: 'the entity has ttl' })
  if ((entity.cacheKey?.length ?? 0) >= 2)
    columns.push({ name: 'cache_key', type: 'text', because: 'the entity has a composite cacheKey' })
  return columns
}

/** Uniqueness is per workspace in a workspaceable table: `ws_id` leads every unique column set. */
export const scopedUnique = (entity: EntitySchema, columns: readonly string[]): string[] =>
  entity.workspaceable && !columns.includes('ws_id') ? ['ws_id', ...columns] : [...columns]

export const uniqueName = (table: string, columns: readonly string[]) =>
  `${table}_${columns.join('_')}_unique`
export const ttlIndexName = (table: string) => `${table}_ttl_idx`
