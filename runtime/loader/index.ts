export { isPluginMetaError, PluginMetaError, type PluginMetaErrorCode } from './meta-error.ts'
export { readPluginMeta, readPluginMetas } from './read-plugin-meta.ts'
export type { PluginMeta, ReadMetaOptions } from './types.ts'
