import type { PluginBundle } from '../../runtime/bundle/index.ts'
import type { PhaseName } from '../../runtime/protocol.ts'
import type { EntitySchema } from '../entities/index.ts'
import type { ApiRoute } from './check-api.ts'

/** A plugin's `schema.ts`, once checked: its name, the JSON Schema of `config`, Kong's scoping flags. */
export interface PluginSchemaDefinition {
  name: string
  description?: string
  config: Record<string, unknown>
  noConsumer?: boolean
  noRoute?: boolean
  noService?: boolean
}

/** A config error in Kong's shape: a message, per-index entries of an array (null = valid), or per field. */
export type ConfigError = string | (ConfigError | null)[] | ConfigErrors
export type ConfigErrors = { [field: string]: ConfigError }

export type ConfigValidation =
  | { ok: true; config: Record<string, unknown> }
  | { ok: false; errors: ConfigErrors }

/** One loaded plugin of the node. */
export interface CatalogPlugin {
  name: string
  /** The plugin folder, absolute. */
  dir: string
  bundle: PluginBundle
  /** Kong's PRIORITY: higher runs first. */
  priority: number
  /** x.y.z */
  version: string
  /** The phases its handler implements, in the protocol's order. */
  phases: readonly PhaseName[]
  schema: PluginSchemaDefinition
  /** Validates a config against the schema (a copy, defaults filled): the normalised config or Kong field errors. */
  validate(config: unknown): ConfigValidation
  /** Its `daos.ts`, checked and in the entity layer's vocabulary (empty when it has none). */
  daos: readonly EntitySchema[]
  /** Its `migrations/NNN_<name>.ts` default exports as read from the bundle, in name order (checked when applied). */
  migrations: readonly PluginMigrationData[]
  /** api.ts: the Admin API paths it serves and their methods (the handlers run in its isolate); null without one. */
  api: readonly ApiRoute[] | null
}

/** One migration file of a plugin: its name (`000_base`) and its default export, as plain data. */
export interface PluginMigrationData {
  name: string
  value: unknown
}

/** The plugins a node can run (config `plugins` + `plugin_paths`), in run order. */
export interface PluginCatalog {
  /** Priority descending, then name. */
  readonly plugins: readonly CatalogPlugin[]
  get(name: string): CatalogPlugin | undefined
  /** Kong-shaped body of `GET /schemas/plugins/{name}` (`fields` + `json_schema`); undefined when unknown. */
  pluginSchema(name: string): Record<string, unknown> | undefined
  /** Bundler warnings and schema remarks, one line each, prefixed with the plugin's name. */
  readonly warnings: readonly string[]
}
