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
}

export interface ReadMetaOptions {
  /** Heap limit of the throw-away isolate, MB (default 32). */
  memoryMb?: number
  /** Wall-clock limit of evaluating the bundle and reading its exports, ms (default 2000). */
  timeoutMs?: number
}
