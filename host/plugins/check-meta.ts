import type { PluginMeta } from '../../runtime/loader/index.ts'
import { PHASE_NAMES, type PhaseName } from '../../runtime/protocol.ts'
import { pluginLoadError } from './load-error.ts'
import type { PluginSchemaDefinition } from './types.ts'

const PHASES = PHASE_NAMES
/** Kong's Lua names of phases whose isogate names are camelCase. */
const LUA_NAMES = new Map<string, PhaseName>([
  ['init_worker', 'initWorker'],
  ['header_filter', 'headerFilter'],
  ['body_filter', 'bodyFilter'],
])
const VERSION = /^\d+\.\d+\.\d+$/
const SCHEMA_KEYS = new Set(['name', 'config', 'description', 'noConsumer', 'noRoute', 'noService'])

export interface CheckedMeta {
  priority: number
  version: string
  phases: PhaseName[]
  schema: PluginSchemaDefinition
}

const shown = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value))

/**
 * Kong's load-time checks of a handler and its schema (kong/db/dao/plugins.lua,
 * kong/db/schema/plugin_loader.lua), with Kong's messages where Kong has one.
 */
export function checkMeta(name: string, meta: PluginMeta): CheckedMeta {
  const invalid = (reason: string) => pluginLoadError('PLUGIN_INVALID', name, reason)
  const { priority, version } = meta
  if (typeof priority !== 'number' || !Number.isSafeInteger(priority)) {
    throw invalid(
      `Plugin "${name}" cannot be loaded because its PRIORITY field is not a valid integer number, got: "${shown(priority)}".`,
    )
  }
  if (typeof version !== 'string' || !VERSION.test(version)) {
    throw invalid(
      `Plugin "${name}" cannot be loaded because its VERSION field does not follow the "x.y.z" format, got: "${shown(version)}".`,
    )
  }
  const phases = PHASES.filter((phase) => meta.phases.includes(phase))
  if (phases.includes('response') && (phases.includes('headerFilter') || phases.includes('bodyFilter'))) {
    throw invalid(
      `Plugin "${name}" cannot be loaded because it implements response together with headerFilter/bodyFilter (response replaces both).`,
    )
  }
  return { priority, version, phases, schema: checkSchema(name, meta.schema, invalid) }
}

/** Handler methods named like Kong's Lua phases never run: say so instead of staying silent. */
export function phaseRemarks(methods: readonly string[]): string[] {
  return methods.flatMap((method) => {
    const phase = LUA_NAMES.get(method)
    return phase ? [`handler.${method} is not a phase and never runs (did you mean ${phase}?)`] : []
  })
}

function checkSchema(
  name: string,
  schema: unknown,
  invalid: (reason: string) => Error,
): PluginSchemaDefinition {
  if (!isObject(schema)) throw invalid(`no configuration schema found for plugin: ${name}`)
  const violation = (field: string, message: string) => invalid(`schema violation (${field}: ${message})`)
  for (const key of Object.keys(schema)) {
    if (!SCHEMA_KEYS.has(key)) throw violation(key, 'unknown field')
  }
  if (schema.name !== name) {
    throw violation(
      'name',
      schema.name === undefined
        ? 'required field missing'
        : `${shown(schema.name)} does not match the plugin's folder name "${name}"`,
    )
  }
  const config = schema.config
  if (!isObject(config) || config.type !== 'object') {
    throw violation('config', 'expected a JSON Schema object with type "object"')
  }
  if (schema.description !== undefined && typeof schema.description !== 'string') {
    throw violation('description', 'expected a string')
  }
  for (const flag of ['noConsumer', 'noRoute', 'noService'] as const) {
    if (schema[flag] !== undefined && typeof schema[flag] !== 'boolean')
      throw violation(flag, 'expected a boolean')
  }
  return schema as unknown as PluginSchemaDefinition
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
