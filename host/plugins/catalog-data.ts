import { compileConfigValidator } from './config-validator.ts'
import type { JsonSchema } from './json-schema-walk.ts'
import { catalogOf } from './load-catalog.ts'
import type { CatalogPlugin, PluginCatalog } from './types.ts'

/** A catalog as plain data, for the supervisor to send to its proxy workers (no re-bundling there). */
export type CatalogData = Omit<CatalogPlugin, 'validate'>[]

export function catalogData(catalog: PluginCatalog): CatalogData {
  return catalog.plugins.map(({ validate: _validate, ...plugin }) => plugin)
}

/**
 * The catalog again in a worker: the same bundles and metadata, each validator compiled on its
 * first use. The supervisor compiled them all when it loaded the plugins (that is where a bad
 * schema stops the node); a worker seldom validates, and ajv takes ~40 ms a schema.
 */
export function catalogFromData(data: CatalogData): PluginCatalog {
  return catalogOf(
    data.map((plugin) => ({ ...plugin, validate: lazyValidator(plugin.schema.config as JsonSchema) })),
  )
}

function lazyValidator(schema: JsonSchema): CatalogPlugin['validate'] {
  let validate: CatalogPlugin['validate'] | undefined
  return (config) => {
    validate ??= compileConfigValidator(schema).validate
    return validate(config)
  }
}
