import { Ajv, type ErrorObject } from 'ajv'
import type { FieldErrors } from '../errors/index.ts'
import type { PluginRegistry } from './entities-types.ts'

/**
 * A small real PluginRegistry for tests: each plugin's config is a JSON Schema compiled by ajv
 * (defaults filled in), with errors translated to Kong's field messages under `config`.
 */
export interface TestPlugin {
  config: object
  scoping?: { noConsumer?: boolean; noRoute?: boolean; noService?: boolean }
}

function kongMessage(error: ErrorObject): string {
  switch (error.keyword) {
    case 'type': {
      const type = error.params.type as string
      const names: Record<string, string> = { integer: 'an integer', array: 'an array', object: 'a record' }
      return `expected ${names[type] ?? `a ${type}`}`
    }
    case 'required':
      return 'required field missing'
    case 'additionalProperties':
      return 'unknown field'
    case 'enum':
      return `expected one of: ${(error.params.allowedValues as unknown[]).join(', ')}`
    default:
      return error.message ?? 'invalid value'
  }
}

function toFieldErrors(errors: ErrorObject[]): FieldErrors {
  const result: FieldErrors = {}
  for (const error of errors) {
    const path = error.instancePath.split('/').filter(Boolean)
    if (error.keyword === 'required') path.push(error.params.missingProperty as string)
    if (error.keyword === 'additionalProperties') path.push(error.params.additionalProperty as string)
    let target = result
    for (const key of path.slice(0, -1)) {
      target[key] ??= {}
      target = target[key] as FieldErrors
    }
    const last = path[path.length - 1]
    if (last !== undefined) target[last] = kongMessage(error)
  }
  return result
}

export function createTestPluginRegistry(plugins: Record<string, TestPlugin>): PluginRegistry {
  const ajv = new Ajv({ allErrors: true, useDefaults: true })
  const validators = new Map(
    Object.entries(plugins).map(([name, plugin]) => [name, ajv.compile(plugin.config)]),
  )
  return {
    has: (name) => validators.has(name),
    validateConfig(name, config) {
      const validate = validators.get(name)
      if (!validate) return { ok: false, errors: { name: `unknown plugin '${name}'` } }
      const copy = structuredClone(config) as Record<string, unknown>
      if (validate(copy)) return { ok: true, config: copy }
      return { ok: false, errors: toFieldErrors(validate.errors ?? []) }
    },
    scoping: (name) => plugins[name]?.scoping ?? {},
  }
}
