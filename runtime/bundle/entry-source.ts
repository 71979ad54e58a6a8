import type { PluginModules } from './types.ts'

/**
 * The generated entry module: imports the folder's fixed files and exports one field per file.
 * Each field is the file's default export, or, when it has none, a plain object of its named
 * exports (`export function access() {}` style). The choice is made when the script runs, since
 * no plugin code is evaluated in the host to find out.
 */
export function entrySource(modules: PluginModules): string {
  const files: [field: string, file: string][] = [
    ['handler', 'handler.ts'],
    ['schema', 'schema.ts'],
  ]
  if (modules.daos) files.push(['daos', 'daos.ts'])
  if (modules.api) files.push(['api', 'api.ts'])
  const lines: string[] = []
  const fields: string[] = []
  for (const [field, file] of files) {
    lines.push(`import * as ${field}Module from ${JSON.stringify(`./${file}`)}`)
    fields.push(`export const ${field} = pick(${field}Module)`)
  }
  const migrations = modules.migrations.map((name, i) => {
    lines.push(`import * as migration${i} from ${JSON.stringify(`./migrations/${name}.ts`)}`)
    return `{ name: ${JSON.stringify(name)}, module: pick(migration${i}) }`
  })
  if (migrations.length > 0) fields.push(`export const migrations = [${migrations.join(', ')}]`)
  // A parameter, not the namespace itself, so esbuild does not warn about a missing default.
  lines.push(`const pick = (ns) => ('default' in ns ? ns.default : { ...ns })`)
  return `${[...lines, ...fields].join('\n')}\n`
}
