/**
 * `migrations/NNN_<name>.ts`: schema changes as data, applied by the gateway in name order,
 * once each, tracked per plugin. A migration may touch only the tables of the plugin's own
 * entities (the names in its daos.ts). The gateway adds what is its own business to every table
 * it creates: `ws_id` for workspaceable entities (unique constraints are per workspace), `ttl`
 * for entities with `ttl`, `cache_key` for composite cache keys.
 */

/** Column types, the same on every database. */
export type ColumnType = 'text' | 'integer' | 'number' | 'boolean' | 'uuid' | 'json' | 'timestamp'

export interface ColumnSpec {
  type: ColumnType
  primaryKey?: boolean
  notNull?: boolean
  /** A foreign key to the `id` of this table (a core entity such as `consumers`, or one of the plugin's). */
  references?: string
  onDelete?: 'cascade' | 'restrict' | 'set null'
  default?: string | number | boolean | null
}

export type MigrationStep =
  | {
      createTable: string
      /** Column name → spec; foreign fields are stored as `<field>_id`, sets/arrays/maps/records as `json`. */
      columns: Record<string, ColumnSpec>
      /** Sets of columns unique together (per workspace for workspaceable tables). */
      unique?: string[][]
    }
  | { addColumn: string; table: string; spec: ColumnSpec }
  | { createIndex: string; table: string; columns: string[]; unique?: boolean }

/** A migration file's default export. */
export interface PluginMigration {
  up: MigrationStep[]
}
