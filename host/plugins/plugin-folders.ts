import type { Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { packageFile } from '../../runtime/package-files.ts'
import { pluginLoadError } from './load-error.ts'

/** The repository's `plugins/` folder: the bundled plugins. */
export function bundledPluginsDir(): string {
  return packageFile('plugins/')
}

export interface PluginFolder {
  name: string
  dir: string
}

/**
 * The folders of the configured plugins, in configuration order without repeats: `bundled` is every
 * folder of `bundledDir` holding a `handler.ts` (by name); any other name is looked up in
 * `bundledDir`, then in each `plugin_paths` folder, and the first match wins.
 */
export async function resolvePluginFolders(
  names: readonly string[],
  bundledDir: string,
  pluginPaths: readonly string[],
): Promise<PluginFolder[]> {
  const found = new Map<string, string>()
  for (const name of names) {
    if (name === 'bundled') {
      for (const bundled of await bundledNames(bundledDir)) {
        if (!found.has(bundled)) found.set(bundled, join(bundledDir, bundled))
      }
      continue
    }
    if (found.has(name)) continue
    const searched = [bundledDir, ...pluginPaths]
    let dir: string | undefined
    for (const folder of searched) {
      if (await hasHandler(join(folder, name))) {
        dir = join(folder, name)
        break
      }
    }
    if (dir === undefined) {
      throw pluginLoadError(
        'PLUGIN_NOT_FOUND',
        name,
        `${name} plugin is enabled but not installed; no ${name}/handler.ts in ${searched.join(', ')}`,
      )
    }
    found.set(name, dir)
  }
  return [...found].map(([name, dir]) => ({ name, dir }))
}

async function bundledNames(dir: string): Promise<string[]> {
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return []
  }
  const names: string[] = []
  for (const entry of entries) {
    if (entry.isDirectory() && (await hasHandler(join(dir, entry.name)))) names.push(entry.name)
  }
  return names.sort()
}

async function hasHandler(dir: string): Promise<boolean> {
  const info = await stat(join(dir, 'handler.ts')).catch(() => null)
  return info?.isFile() ?? false
}
