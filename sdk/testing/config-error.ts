import type { ConfigError, ConfigErrors } from '../../host/plugins/index.ts'

/**
 * A config the plugin's schema refuses, as the Admin API would refuse it. `errors` are Kong's
 * field errors of the `config` field; the message lists them like Kong's schema violation:
 * `invalid config for plugin p: 2 schema violations (config.a: expected a string; config.b: unknown field)`.
 */
export class PluginConfigError extends Error {
  readonly plugin: string
  readonly errors: ConfigErrors

  constructor(plugin: string, errors: ConfigErrors) {
    const parts = flatten('config', errors)
    const summary =
      parts.length === 1
        ? `schema violation (${parts[0]})`
        : `${parts.length} schema violations (${parts.join('; ')})`
    super(`invalid config for plugin ${plugin}: ${summary}`)
    this.name = 'PluginConfigError'
    this.plugin = plugin
    this.errors = errors
  }
}

/** `path: message` per failing field; list entries are numbered from 1, as in Kong (Lua tables). */
function flatten(path: string, error: ConfigError): string[] {
  if (typeof error === 'string') return [`${path}: ${error}`]
  if (Array.isArray(error)) {
    return error.flatMap((entry, i) => (entry === null ? [] : flatten(`${path}.${i + 1}`, entry)))
  }
  return Object.keys(error)
    .sort()
    .flatMap((key) => flatten(key === '@entity' ? path : `${path}.${key}`, error[key] as ConfigError))
}
