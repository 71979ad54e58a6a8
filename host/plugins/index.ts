export { buildChains } from './build-chains.ts'
export { type CatalogData, catalogData, catalogFromData } from './catalog-data.ts'
export type {
  Candidate,
  ChainEntry,
  Chains,
  PerScheme,
  PhaseNeeds,
  RouteChain,
  Scheme,
  WorkspacePlugins,
} from './chain-types.ts'
export type { ApiRoute } from './check-api.ts'
export { type ConfigValidator, compileConfigValidator } from './config-validator.ts'
export { type KongField, type KongFieldDefinition, toKongFields } from './kong-fields.ts'
export { kongPluginSchema } from './kong-plugin-schema.ts'
export { byRunOrder, type CatalogOptions, catalogOf, loadPluginCatalog } from './load-catalog.ts'
export { migrationSubsystems } from './migration-subsystems.ts'
export { bundledPluginsDir } from './plugin-folders.ts'
export { checkPluginsInUse } from './plugins-in-use.ts'
export { nodePlugins, pluginRegistry } from './registry.ts'
export { chainFor, entriesFor, reselectInstances, selectInstances } from './select-instances.ts'
export type {
  CatalogPlugin,
  ConfigError,
  ConfigErrors,
  ConfigValidation,
  PluginCatalog,
  PluginMigrationData,
  PluginSchemaDefinition,
} from './types.ts'
