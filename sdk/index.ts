/**
 * What plugin authors import as `isogate/sdk`. The plugin runtime (isolates, PDK bridge) arrives
 * with the plugin runtime milestone; this module already fixes the shape of a plugin's files.
 */

/** `schema.ts` of a plugin: its name and the JSON Schema of its `config`. */
export interface PluginSchema {
  name: string
  config: Record<string, unknown>
  /** Kong's scoping restrictions. */
  noConsumer?: boolean
  noRoute?: boolean
  noService?: boolean
}
