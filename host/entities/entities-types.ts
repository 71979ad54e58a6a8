import type { FieldErrors } from '../errors/index.ts'
import type { ChangeEvent, EntityDao, Page } from './dao-types.ts'
import type { EntitySchema } from './schema-types.ts'
import type { ConfigSnapshot, Consumer, PluginEntity, Route, Service, Workspace } from './types.ts'

/** What the entity layer needs to know about plugins (filled by the plugin runtime). */
export interface PluginRegistry {
  has(name: string): boolean
  /** Validates + fills defaults of a plugin's config: ok → normalised config, else Kong field errors under config. */
  validateConfig(
    name: string,
    config: unknown,
  ): { ok: true; config: Record<string, unknown> } | { ok: false; errors: FieldErrors }
  /** Kong's no_consumer / no_route / no_service plugin fields. */
  scoping(name: string): { noConsumer?: boolean; noRoute?: boolean; noService?: boolean }
}

export interface TagRow {
  entity_name: string
  entity_id: string
  tag: string
}

export interface TagsOptions {
  /** Only this tag (Kong's /tags/{tag}). */
  tag?: string
  size?: number
  offset?: string
}

export interface Entities {
  workspaces: EntityDao<Workspace>
  services: EntityDao<Service>
  routes: EntityDao<Route>
  consumers: EntityDao<Consumer>
  plugins: EntityDao<PluginEntity>
  /** By Admin API collection name. */
  dao(collection: string): EntityDao | undefined
  schema(collection: string): EntitySchema | undefined
  schemaNames(): string[]
  /** Kong's `GET /schemas/{entity}` body: `{ fields: [...] }` (+ entity_checks when any). */
  kongSchema(collection: string): object | undefined
  workspaceByName(name: string): Promise<Workspace | null>
  /** All distinct tags with the entities carrying them, paged (Kong /tags and /tags/{tag}). */
  tags(ws: string, options: TagsOptions): Promise<Page<TagRow>>
  /** Called after commit, once per affected row (cascades included); returns an unsubscribe function. */
  onChange(listener: (event: ChangeEvent) => void): () => void
  /**
   * Deletes every expired row of every ttl entity through the normal delete path (delete rules,
   * change events after commit); tells when the next row expires (epoch ms), or null.
   */
  purgeExpired(): Promise<{ purged: number; nextExpiry: number | null }>
  /** All-or-nothing: every DAO call made through the given `entities` commits together (declarative import). */
  transaction<T>(fn: (entities: Entities) => Promise<T>): Promise<T>
  /** Every workspace's workspaces/services/routes/plugins; `version` increases with every committed change. */
  loadSnapshot(): Promise<ConfigSnapshot>
}
