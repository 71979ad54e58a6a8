/**
 * What the host learns about a plugin without running it in its own heap: copied out of a
 * throw-away isolate as JSON. `priority` and `version` are the handler's values when they are a
 * finite number or a string; anything else arrives as a short description (`"NaN"`, `"undefined"`,
 * `"an object"`), so the catalog can name what it got without ever holding plugin objects.
 */
export interface PluginMeta {
  priority: unknown
  version: unknown
  /** Names of the handler's function-valued members (own and inherited), in definition order. */
  phases: string[]
  /** The schema module's default export after a JSON round trip inside the isolate; null when it had none. */
  schema: unknown
  /** daos.ts's default export after a JSON round trip; null when the plugin has no daos.ts. */
  daos: unknown
  /** Each `migrations/NNN_<name>.ts` default export after a JSON round trip, in name order. */
  migrations: { name: string; value: unknown }[]
  /** api.ts: each path it declares and the HTTP methods it maps to functions; null without api.ts. */
  api: { path: string; methods: string[] }[] | null
}

export interface ReadMetaOptions {
  /** Heap limit of the throw-away isolate, MB (default 32). */
  memoryMb?: number
  /** Wall-clock limit of evaluating the bundle and reading its exports, ms (default 2000). */
  timeoutMs?: number
  /** Where successful reads are kept across processes (a node's bundle folder); none: memory only. */
  cacheDir?: string
  /** Reads made ahead of time (the package's `dist/bundles`, by the build), looked up after `cacheDir`. */
  prebuiltDir?: string
}
