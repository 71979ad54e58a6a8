import { existsSync } from 'node:fs'
import {
  bundlePlugin,
  isBundleError,
  type PluginBundle,
  PREBUILT_BUNDLES,
} from '../../runtime/bundle/index.ts'
import {
  isPluginMetaError,
  type PluginMeta,
  type ReadMetaOptions,
  readPluginMetas,
} from '../../runtime/loader/index.ts'
import { COMPILED, packageFile } from '../../runtime/package-files.ts'
import type { Config } from '../config/index.ts'
import { UserError } from '../errors/index.ts'
import { checkApi } from './check-api.ts'
import { checkDaos } from './check-daos.ts'
import { checkMeta, phaseRemarks } from './check-meta.ts'
import { type ConfigValidator, compileConfigValidator } from './config-validator.ts'
import { kongPluginSchema } from './kong-plugin-schema.ts'
import { pluginLoadError } from './load-error.ts'
import { bundledPluginsDir, type PluginFolder, resolvePluginFolders } from './plugin-folders.ts'
import type { CatalogPlugin, PluginCatalog } from './types.ts'

export interface CatalogOptions {
  /** Where bundles are cached (`<prefix>/bundles` in a node). */
  cacheDir: string
  /** The bundled plugins' folder; default the repository's `plugins/`. */
  bundledDir?: string
  /** Limits of the throw-away isolate that reads each plugin's metadata. */
  meta?: ReadMetaOptions
  /**
   * Bundles and metadata the build made ahead of time (read only; each checked against the
   * plugin's files). Default: the package's `dist/bundles` when running the compiled tree; null: none.
   */
  prebuiltDir?: string | null
}

/** Run order: Kong sorts handlers by PRIORITY, highest first; equal priorities go by name. */
export function byRunOrder(
  a: { priority: number; name: string },
  b: { priority: number; name: string },
): number {
  return b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}

/**
 * The node's plugins: the configured names (`plugins`, `plugin_paths`) resolved to folders, each
 * bundled, its metadata read in a throw-away isolate (in a reader process) and checked as Kong
 * checks handlers and schemas, its config schema compiled. Any problem is one UserError line naming the plugin.
 */
export async function loadPluginCatalog(
  config: Pick<Config, 'plugins' | 'plugin_paths'>,
  options: CatalogOptions,
): Promise<PluginCatalog> {
  const folders = await resolvePluginFolders(
    config.plugins,
    options.bundledDir ?? bundledPluginsDir(),
    config.plugin_paths,
  )
  const plugins: CatalogPlugin[] = []
  const warnings: string[] = []
  // Entity and collection names of plugins loaded so far: two plugins may not share one.
  const taken = new Set<string>()
  const bundles: PluginBundle[] = []
  const prebuiltDir =
    options.prebuiltDir === undefined ? prebuiltBundles() : (options.prebuiltDir ?? undefined)
  for (const folder of folders) bundles.push(await bundleFolder(folder, options.cacheDir, prebuiltDir))
  // One reader process for all of them (plugin code never runs here; see runtime/loader).
  const metas = await readMetas(bundles, { ...options.meta, cacheDir: options.cacheDir, prebuiltDir })
  for (const [i, folder] of folders.entries()) {
    const bundle = bundles[i] as PluginBundle
    const meta = metas[i] as PluginMeta
    const checked = checkMeta(folder.name, meta)
    const validator = compileSchema(folder.name, checked.schema.config)
    const daos = checkDaos(folder.name, meta.daos, taken)
    for (const dao of daos) for (const name of [dao.name, dao.adminApiName]) if (name) taken.add(name)
    const remarks = [...bundle.warnings, ...phaseRemarks(meta.phases), ...validator.warnings]
    warnings.push(...remarks.map((line) => `plugin ${folder.name}: ${line}`))
    plugins.push({
      name: folder.name,
      dir: bundle.dir,
      bundle,
      ...checked,
      validate: validator.validate,
      daos,
      migrations: meta.migrations,
      api: checkApi(folder.name, meta.api, daos),
    })
  }
  plugins.sort(byRunOrder)
  return catalogOf(plugins, warnings)
}

/** A catalog over already loaded plugins (sorted here); the Kong-shaped schemas are made once. */
export function catalogOf(list: readonly CatalogPlugin[], warnings: readonly string[] = []): PluginCatalog {
  const plugins = [...list].sort(byRunOrder)
  const byName = new Map(plugins.map((plugin) => [plugin.name, plugin]))
  const schemas = new Map(plugins.map((plugin) => [plugin.name, kongPluginSchema(plugin.schema)]))
  return {
    plugins,
    warnings,
    get: (name) => byName.get(name),
    pluginSchema: (name) => {
      const schema = schemas.get(name)
      return schema === undefined ? undefined : structuredClone(schema)
    },
  }
}

/** The package's prebuilt bundles (host/gateway/prebuild-main.ts), for the compiled tree; none from the sources. */
function prebuiltBundles(): string | undefined {
  const dir = packageFile(PREBUILT_BUNDLES)
  return COMPILED && existsSync(dir) ? dir : undefined
}

async function bundleFolder(
  folder: PluginFolder,
  cacheDir: string,
  prebuiltDir: string | undefined,
): Promise<PluginBundle> {
  try {
    return await bundlePlugin({ dir: folder.dir, cacheDir, ...(prebuiltDir ? { prebuiltDir } : {}) })
  } catch (error) {
    if (isBundleError(error)) throw new UserError('PLUGIN_INVALID', error.message)
    throw error
  }
}

async function readMetas(
  bundles: readonly PluginBundle[],
  options: ReadMetaOptions | undefined,
): Promise<PluginMeta[]> {
  try {
    return await readPluginMetas(bundles, options)
  } catch (error) {
    if (isPluginMetaError(error)) throw new UserError('PLUGIN_INVALID', error.message)
    throw error
  }
}

function compileSchema(name: string, config: Record<string, unknown>): ConfigValidator {
  try {
    return compileConfigValidator(config)
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')
    throw pluginLoadError('PLUGIN_INVALID', name, `error initializing schema for plugin: ${reason}`)
  }
}
