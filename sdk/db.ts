/**
 * kong.db and kong.cache (every request phase). Each call is performed by the gateway, in the
 * request's workspace, so each returns a promise. A plugin reads the core entities and reads and
 * writes its own (daos.ts); another plugin's entities are not there.
 */
import type { ConsumerEntity, Entity, RouteEntity, ServiceEntity } from './values.ts'

/** Kong's `{ id = ... }` (a bare id string works too). */
export type PrimaryKey = { id: string } | string

export interface PageOptions {
  /** 1 to 1000, default 100. */
  size?: number
  /** The `offset` of the previous page. */
  offset?: string
}

export interface Page<T> {
  data: T[]
  /** Pass it back for the next page; null on the last one. */
  offset: string | null
}

/**
 * A refused kong.db call rejects with this: Kong's message (`schema violation (key: required
 * field missing)`), the error's string code and, for schema violations, the field errors.
 */
export interface DbError extends Error {
  code?:
    | 'SCHEMA_VIOLATION'
    | 'UNIQUE_VIOLATION'
    | 'FOREIGN_KEY_VIOLATION'
    | 'NOT_FOUND'
    | 'PDK_REFUSED'
    | string
  fields?: Record<string, unknown>
}

/** Kong's cache key of an entity: `<entity>:<v1>:...:<v5>:<workspace id>`, for kong.cache. */
export interface CacheKeyMaker {
  cacheKey(...parts: (string | number)[]): string
  cacheKey(entity: Record<string, unknown>): string
}

/** What every entity offers: reads, `selectBy<UniqueField>` and `pageFor<ForeignField>`. */
export interface EntityReader<T extends Entity = Entity> extends CacheKeyMaker {
  select(pk: PrimaryKey): Promise<T | null>
  page(options?: PageOptions): Promise<Page<T>>
  [selectBy: `selectBy${string}`]: (value: string | number) => Promise<T | null>
  [pageFor: `pageFor${string}`]: (pk: PrimaryKey, options?: PageOptions) => Promise<Page<T>>
}

/** A plugin's own entity: reads and writes, with Kong's validation (rejects with a DbError). */
export interface EntityDao<T extends Entity = Entity> extends EntityReader<T> {
  /** `ttl`: seconds until the row expires (entities declared with `ttl: true`). */
  insert(entity: Record<string, unknown>, options?: { ttl?: number }): Promise<T>
  update(pk: PrimaryKey, patch: Record<string, unknown>, options?: { ttl?: number }): Promise<T>
  upsert(pk: PrimaryKey, entity: Record<string, unknown>, options?: { ttl?: number }): Promise<T>
  /** True when a row was deleted. */
  delete(pk: PrimaryKey): Promise<boolean>
}

/** Core entities, read-only to plugins. */
export interface CoreDb {
  consumers: EntityReader<ConsumerEntity> & {
    selectByUsername(username: string): Promise<ConsumerEntity | null>
    selectByCustomId(customId: string): Promise<ConsumerEntity | null>
  }
  services: EntityReader<ServiceEntity> & { selectByName(name: string): Promise<ServiceEntity | null> }
  routes: EntityReader<RouteEntity> & {
    selectByName(name: string): Promise<RouteEntity | null>
    pageForService(pk: PrimaryKey, options?: PageOptions): Promise<Page<RouteEntity>>
  }
}

/** kong.db: the core entities, and the plugin's own entities by their daos.ts names. */
// biome-ignore lint/suspicious/noExplicitAny: a plugin's own rows are whatever its daos.ts declares
export type Db = CoreDb & { readonly [entity: string]: EntityDao<any> }

export interface CacheOptions {
  /** Seconds a loaded value is kept (0 or absent: until invalidated or evicted). */
  ttl?: number
  /** Seconds a miss (the loader gave null or undefined) is kept; default `ttl`. */
  neg_ttl?: number
  negTtl?: number
}

/**
 * kong.cache: the workspace's cache on this worker, shared by its plugins. Values are copied as
 * JSON. Entries of entities are invalidated when the entity changes through the Admin API.
 */
export interface Cache {
  /**
   * The cached value, or the loader's: it runs once per key at a time (concurrent callers wait
   * for it) and its result is cached; null or undefined is cached as a miss for `neg_ttl`.
   */
  get<T = unknown, A extends unknown[] = unknown[]>(
    key: string,
    options?: CacheOptions | null,
    loader?: (...args: A) => T | null | undefined | Promise<T | null | undefined>,
    ...args: A
  ): Promise<T | null>
  /** Drops the key on every worker (resolves once they all did). */
  invalidate(key: string): Promise<void>
  /** `{ ttl, value }` when cached (ttl: seconds left, null when it does not expire), else null. */
  probe(key: string): Promise<{ ttl: number | null; value: unknown } | null>
}
