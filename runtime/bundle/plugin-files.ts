import type { Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { BundleError } from './bundle-error.ts'
import type { PluginModules } from './types.ts'

/** `migrations/NNN_<name>.ts`; declaration and test files are not migrations. */
const MIGRATION_FILE = /^\d+_[\w.-]+\.ts$/
const NOT_A_MIGRATION = /\.(d|test)\.ts$/

export interface PluginFiles {
  modules: PluginModules
  /** Remarks about the folder's layout (files that look like migrations but are not). */
  warnings: string[]
}

/** What the folder provides, from its listing alone; no plugin file is read or run. */
export async function readPluginFiles(dir: string, name: string): Promise<PluginFiles> {
  const top = await listFiles(dir)
  const missing = ['handler.ts', 'schema.ts'].filter((file) => !top.has(file))
  if (missing.length > 0) {
    throw new BundleError(
      'BUNDLE_MISSING_FILE',
      name,
      `missing ${missing.join(' and ')} (a plugin folder needs handler.ts and schema.ts)`,
    )
  }
  const warnings: string[] = []
  const migrations: string[] = []
  for (const file of [...(await listFiles(join(dir, 'migrations')))].sort(byCodeUnit)) {
    if (MIGRATION_FILE.test(file) && !NOT_A_MIGRATION.test(file)) migrations.push(file.slice(0, -3))
    else if (file.endsWith('.ts') && !NOT_A_MIGRATION.test(file)) {
      warnings.push(`migrations/${file} is ignored: migration files are named NNN_<name>.ts`)
    }
  }
  return {
    modules: { handler: true, schema: true, daos: top.has('daos.ts'), api: top.has('api.ts'), migrations },
    warnings,
  }
}

/** Names of the regular files directly in `dir`; none when it is not a folder. */
async function listFiles(dir: string): Promise<Set<string>> {
  let entries: Dirent[]
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch {
    return new Set()
  }
  return new Set(entries.filter((entry) => entry.isFile()).map((entry) => entry.name))
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
