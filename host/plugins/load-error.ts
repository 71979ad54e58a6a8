import { UserError } from '../errors/index.ts'

/**
 * Kong's start-up wording for a plugin that cannot be loaded (kong/db/dao/plugins.lua):
 * `error loading plugin schemas: on plugin 'x': <reason>`, as one line.
 */
export function pluginLoadError(code: 'PLUGIN_NOT_FOUND' | 'PLUGIN_INVALID', name: string, reason: string) {
  return new UserError(code, `error loading plugin schemas: on plugin '${name}': ${reason}`)
}
