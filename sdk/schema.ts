/** `schema.ts` of a plugin: its name and the JSON Schema of its `config`. */
export interface PluginSchema {
  name: string
  /** JSON Schema (draft 2020-12 subset ajv understands) of the plugin's `config`. */
  config: Record<string, unknown>
  /** One line shown by `/schemas/plugins/{name}` and `/plugins/enabled` tooling. */
  description?: string
  /** Kong's scoping restrictions. */
  noConsumer?: boolean
  noRoute?: boolean
  noService?: boolean
}
