import { UserError } from '../errors/index.ts'
import type { PluginCatalog } from './types.ts'

/**
 * Kong refuses to start when the database holds instances of a plugin the node does not load
 * (kong/db/dao/plugins.lua `check_db_against_config`): `<name> plugin is in use but not enabled`.
 */
export function checkPluginsInUse(
  snapshot: { plugins: readonly { name: string }[] },
  catalog: PluginCatalog,
): void {
  const missing = [...new Set(snapshot.plugins.map((plugin) => plugin.name))]
    .filter((name) => catalog.get(name) === undefined)
    .sort()
  if (missing.length > 0)
    throw new UserError('PLUGIN_IN_USE', `${missing[0]} plugin is in use but not enabled`)
}
