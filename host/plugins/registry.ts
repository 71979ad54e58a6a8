import type { PluginRegistry } from '../entities/index.ts'
import type { FieldErrors } from '../errors/index.ts'
import type { PluginCatalog } from './types.ts'

/**
 * The entity layer's view of the catalog: which plugin names exist, their config validation
 * (errors are the `config` subtree; the entity layer puts them under `config`), and Kong's
 * scoping flags (the entity layer answers `value must be null` for a forbidden scope, as Kong's
 * no_consumer/no_route/no_service typedefs do).
 */
export function pluginRegistry(catalog: PluginCatalog): PluginRegistry {
  return {
    has: (name) => catalog.get(name) !== undefined,
    validateConfig(name, config) {
      const plugin = catalog.get(name)
      if (!plugin) return { ok: false, errors: {} }
      const result = plugin.validate(config)
      return result.ok ? result : { ok: false, errors: result.errors as FieldErrors }
    },
    scoping(name) {
      const schema = catalog.get(name)?.schema
      if (!schema) return {}
      return { noConsumer: schema.noConsumer, noRoute: schema.noRoute, noService: schema.noService }
    },
  }
}

/** `NodeInfo.plugins` (Kong's `available_on_server`): name → handler version and priority. */
export function nodePlugins(catalog: PluginCatalog): Record<string, { version: string; priority: number }> {
  const plugins: Record<string, { version: string; priority: number }> = {}
  for (const plugin of [...catalog.plugins].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    plugins[plugin.name] = { version: plugin.version, priority: plugin.priority }
  }
  return plugins
}
