import { UserError } from '../errors/index.ts'
import { coreMigrations, dataMigrations, type MigrationSubsystem } from '../storage/index.ts'
import type { PluginCatalog } from './types.ts'

const CORE = 'core'

/**
 * What `migrations bootstrap|up|list|status` and `start` run: the gateway's own `core` first,
 * then one subsystem per plugin that ships migrations, in catalog order. Each plugin's files are
 * checked here, so a bad one stops the command before anything touches the database.
 */
export function migrationSubsystems(catalog: PluginCatalog): MigrationSubsystem[] {
  // A plugin with entities but no migrations still goes through the check, which names the missing tables.
  const plugins = catalog.plugins.filter((plugin) => plugin.migrations.length > 0 || plugin.daos.length > 0)
  if (plugins.some((plugin) => plugin.name === CORE)) {
    throw new UserError('PLUGIN_INVALID', `plugin ${CORE}: the name is taken by the gateway's own migrations`)
  }
  return [
    { name: CORE, migrations: coreMigrations },
    ...plugins.map((plugin) => dataMigrations(plugin.name, plugin.migrations, plugin.daos)),
  ]
}
