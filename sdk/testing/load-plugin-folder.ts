import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { UserError } from '../../host/errors/index.ts'
import { type CatalogPlugin, loadPluginCatalog } from '../../host/plugins/index.ts'

export interface LoadedPlugin {
  plugin: CatalogPlugin
  /** Bundler warnings and schema remarks, one line each, prefixed with the plugin's name. */
  warnings: readonly string[]
}

/**
 * One plugin folder loaded exactly as a node loads its plugins (the same catalog code): bundled,
 * its metadata read in a throw-away isolate, checked as Kong checks handlers and schemas, its
 * config schema compiled. Bundles go to `cacheDir`, or to a temporary folder removed afterwards.
 * Any problem is one UserError line.
 */
export async function loadPluginFolder(
  dir: string,
  options: { cacheDir?: string } = {},
): Promise<LoadedPlugin> {
  const folder = resolve(dir)
  const name = basename(folder)
  const info = await stat(folder).catch(() => null)
  if (!info?.isDirectory()) throw new UserError('PLUGIN_NOT_FOUND', `no plugin folder at ${folder}`)
  // "bundled" in the plugins list means every bundled plugin, so no plugin can be called that.
  if (name === 'bundled') throw new UserError('PLUGIN_INVALID', 'a plugin cannot be named "bundled"')
  const cacheDir = options.cacheDir ?? (await mkdtemp(join(tmpdir(), 'isogate-bundle-')))
  try {
    // The folder's parent as the "bundled" folder: the name resolves to this folder and no other.
    const catalog = await loadPluginCatalog(
      { plugins: [name], plugin_paths: [] },
      { cacheDir, bundledDir: dirname(folder) },
    )
    const plugin = catalog.get(name)
    if (plugin === undefined) throw new Error(`the catalog did not load plugin ${name}`)
    return { plugin, warnings: catalog.warnings }
  } finally {
    if (options.cacheDir === undefined) await rm(cacheDir, { recursive: true, force: true })
  }
}
