import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { loadPluginCatalog } from './load-catalog.ts'
import type { PluginCatalog } from './types.ts'

/** A plugin's handler and schema, written as real `handler.ts` / `schema.ts` files (tests only). */
export interface PluginSpec {
  priority?: unknown
  version?: unknown
  phases?: string[]
  /** The JSON Schema of `config`. */
  config?: unknown
  /** Other keys of the schema module (noConsumer, name override, ...). */
  schema?: Record<string, unknown>
}

export function pluginFiles(name: string, spec: PluginSpec = {}): Record<string, string> {
  const members = [
    `priority: ${literal(spec.priority ?? 1000)}`,
    `version: ${literal(spec.version ?? '1.0.0')}`,
    ...(spec.phases ?? ['access']).map((phase) => `${phase}() {}`),
  ]
  const schema = { name, config: spec.config ?? { type: 'object' }, ...spec.schema }
  return {
    'handler.ts': `export default {\n  ${members.join(',\n  ')},\n}\n`,
    'schema.ts': `export default ${JSON.stringify(schema, null, 2)}\n`,
  }
}

/** JSON, except the values JSON has no words for. */
function literal(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  return value === undefined ? 'undefined' : JSON.stringify(value)
}

/** A temporary folder of plugin folders: `<root>/<group>/<name>/...`. */
export interface PluginDirs {
  root: string
  /** Writes `<root>/<group>/<name>/` from a spec and returns `<root>/<group>`. */
  add(group: string, name: string, spec?: PluginSpec): string
  /** Writes the given files (relative path → text) under `<root>/<group>/<name>/`. */
  files(group: string, name: string, files: Record<string, string>): string
  remove(): void
}

export function pluginDirs(): PluginDirs {
  const root = mkdtempSync(join(tmpdir(), 'isogate-plugins-'))
  const files = (group: string, name: string, contents: Record<string, string>): string => {
    for (const [file, text] of Object.entries(contents)) {
      const path = join(root, group, name, file)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, text)
    }
    return join(root, group)
  }
  return {
    root,
    add: (group, name, spec = {}) => files(group, name, pluginFiles(name, spec)),
    files,
    remove: () => rmSync(root, { recursive: true, force: true }),
  }
}

/** Loads a catalog of plugins written from specs into a fresh folder (tests only). */
export async function loadTestCatalog(
  dirs: PluginDirs,
  specs: Record<string, PluginSpec>,
): Promise<PluginCatalog> {
  for (const [name, spec] of Object.entries(specs)) dirs.add('catalog', name, spec)
  return loadPluginCatalog(
    { plugins: ['bundled'], plugin_paths: [] },
    { cacheDir: join(dirs.root, 'cache'), bundledDir: join(dirs.root, 'catalog') },
  )
}
