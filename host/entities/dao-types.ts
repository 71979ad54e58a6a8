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
}
