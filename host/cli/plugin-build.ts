import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadPluginFolder } from '../../sdk/testing/index.ts'
import { type KongField, type KongFieldDefinition, toKongFields } from '../plugins/index.ts'

/**
 * Bundles a plugin folder as a node would (metadata read inside a throw-away isolate, Kong's
 * load-time checks) into `<prefix>/bundles`, or a new temporary folder, and describes the result.
 */
export async function buildPlugin(dir: string, prefix: string | undefined): Promise<string[]> {
  const cacheDir =
    prefix === undefined ? await mkdtemp(join(tmpdir(), 'isogate-bundles-')) : join(prefix, 'bundles')
  // A temporary folder is kept only when it holds the bundle it is printed for.
  const { plugin, warnings } = await loadPluginFolder(dir, { cacheDir }).catch(async (error: unknown) => {
    if (prefix === undefined) await rm(cacheDir, { recursive: true, force: true })
    throw error
  })
  const { bundle } = plugin
  return [
    `plugin    ${plugin.name}`,
    `version   ${plugin.version}`,
    `priority  ${plugin.priority}`,
    `phases    ${plugin.phases.length > 0 ? plugin.phases.join(', ') : '(none)'}`,
    `bundle    ${join(cacheDir, `${bundle.name}-${bundle.hash}.js`)}`,
    `size      ${bundle.size} bytes`,
    `hash      ${bundle.hash}`,
    'config',
    ...fieldLines(toKongFields(plugin.schema.config).fields, '  '),
    ...(warnings.length > 0 ? ['warnings', ...warnings.map((line) => `  ${line}`)] : []),
  ]
}

/** One line per field: name, Kong type, then its default and rules; records nest. */
function fieldLines(fields: readonly KongFieldDefinition[], indent: string): string[] {
  if (fields.length === 0) return [`${indent}(no fields)`]
  const width = Math.max(...fields.map((field) => Object.keys(field)[0]?.length ?? 0))
  return fields.flatMap((definition) => {
    const [name, field] = Object.entries(definition)[0] as [string, KongField]
    const { type, fields: nested, elements, required: _required, description: _description, ...rules } = field
    const kind = elements ? `${String(type)} of ${String((elements as KongField).type)}` : String(type)
    const details = Object.entries(rules).map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    const line = `${indent}${name.padEnd(width)}  ${[kind, ...details].join('  ')}`
    return Array.isArray(nested)
      ? [line, ...fieldLines(nested as KongFieldDefinition[], `${indent}  `)]
      : [line]
  })
}
