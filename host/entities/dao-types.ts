/**
 * The contract between the entity layer (schema-driven DAOs over kysely) and its callers (Admin
 * API, declarative import/export, snapshot building). Every method validates its input with
 * Kong's rules and throws GatewayError (host/errors) with Kong's codes and field texts.
 * `ws` is always a workspace id; rows of other workspaces are invisible.
 */

export type Row = Record<string, unknown>

export interface PageOptions {
  /** 1..1000, default 100; out of range → INVALID_SIZE. */
  size?: number
  /** Opaque cursor from a previous page; anything else → INVALID_OFFSET. */
  offset?: string
  /** Rows carrying these tags: all of them (`and`, Kong's `a,b`) or any (`or`, Kong's `a/b`). */
  tags?: string[]
  tagsMode?: 'and' | 'or'
  /** Only rows whose foreign key `field` references `id` (nested endpoints: /services/{s}/routes). */
  foreign?: { field: string; id: string }
}

export interface Page<T> {
  data: T[]
  /** Cursor of the next page, null on the last one. */
  offset: string | null
}

export type ChangeOp = 'create' | 'update' | 'delete'

/** Emitted after the change is committed (cascaded deletes emit one event per row). */
export interface ChangeEvent {
  entity: string
  op: ChangeOp
  ws_id: string | null
  id: string
  /**
   * Kong's cache keys of the row before and after the change (`<name>:<v1>:..:<v5>:<ws_id>`, by
   * `cacheKey` fields and by primary key), deduplicated: what caches must drop.
   */
  cacheKeys: string[]
}

/**
 * One entity's DAO. Inputs are untrusted JSON (already parsed); outputs are Kong-shaped rows
 * (every field present, null where unset, foreign keys as `{ id }`, timestamps in seconds).
 */
export interface EntityDao<T extends object = Row> {
  /** Collection name, as in the Admin API path: 'services', 'routes', 'consumers', 'plugins', 'workspaces'. */
  readonly name: string
  select(ws: string, id: string): Promise<T | null>
  /** By id when `key` is a UUID, otherwise by the entity's endpoint key (name, username, ...). */
  selectByKey(ws: string, key: string): Promise<T | null>
  /** By a unique field (Kong's `select_by_<field>`); null for a field that is not unique. */
  selectBy(ws: string, field: string, value: unknown): Promise<T | null>
  page(ws: string, options?: PageOptions): Promise<Page<T>>
  /** Rows stored for the workspace (every workspace's when not workspaceable), expired ones included. */
  count(ws: string): Promise<number>
  insert(ws: string, input: unknown): Promise<T>
  /** PATCH: fields given replace stored ones; records (like plugin `config`) are merged. NOT_FOUND when missing. */
  update(ws: string, key: string, patch: unknown): Promise<T>
  /** PUT: replaces the whole entity (defaults for what is not given), creating it when missing; `key` is an id or endpoint key. */
  upsert(ws: string, key: string, input: unknown): Promise<T>
  /** Applies Kong's delete rules (restrict or cascade per foreign key); false when there was nothing to delete. */
  delete(ws: string, key: string): Promise<boolean>
}
