import type { MigrationStep } from '../../../../sdk/index.ts'
import type { EntitySchema } from '../../../entities/index.ts'
import { UserError } from '../../../errors/index.ts'
import type { Migration, MigrationSubsystem } from '../types.ts'
import { stepRunner } from './build-step.ts'
import type { SqlDialect } from './column-types.ts'
import { checkDaoColumns } from './dao-columns.ts'
import { PluginTables } from './plugin-tables.ts'
import { readMigration } from './read-step.ts'
import { Refusal, refuse, within } from './refusal.ts'

/** One plugin migration file as the loader read it from the bundle. */
export interface MigrationData {
  name: string
  value: unknown
}

const MIGRATION_NAME = /^[0-9]{3}_[a-z0-9_]+$/

const byName = (a: MigrationData, b: MigrationData) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

const describe = (step: MigrationStep) =>
  'createTable' in step
    ? `createTable '${step.createTable}'`
    : 'addColumn' in step
      ? `addColumn '${step.addColumn}'`
      : `createIndex '${step.createIndex}'`

const invalid = (plugin: string, where: string, reason: string) =>
  new UserError('PLUGIN_INVALID', `plugin ${plugin}: ${where}: ${reason}`)

/** Runs `fn`, turning a refusal into the plugin's one-line error naming the file. */
function checked<T>(plugin: string, migration: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof Refusal) throw invalid(plugin, `migrations/${migration}.ts`, error.message)
    throw error
  }
}

/**
 * A plugin's `migrations/NNN_<name>.ts` (plain data, never code) as the subsystem named after the
 * plugin. Every file is checked before anything runs, against the schema the earlier files build
 * and against the plugin's DAOs, so a mistake is one UserError at load, not a half-migrated node.
 */
export function dataMigrations(
  plugin: string,
  migrations: readonly MigrationData[],
  daos: readonly EntitySchema[],
  dialect: SqlDialect = 'sqlite',
): MigrationSubsystem {
  const tables = new PluginTables(daos)
  const built = [...migrations].sort(byName).map(({ name, value }): Migration => {
    const steps = checked(plugin, name, () => {
      if (!MIGRATION_NAME.test(name))
        refuse('the file name must be NNN_<name>.ts (three digits, then lower case letters, digits and _)')
      return readMigration(value).map((step, index) => {
        const label = `up[${index}]: ${describe(step)}`
        return within(label, () => ({ label, run: stepRunner(step, tables.apply(step, name), dialect) }))
      })
    })
    return {
      name,
      // The runner wraps this in the migration's transaction: a failing step undoes the earlier ones.
      async up(db) {
        for (const step of steps) {
          try {
            await step.run(db)
          } catch (error) {
            throw new Error(`${step.label}: ${error instanceof Error ? error.message : String(error)}`)
          }
        }
      },
    }
  })
  for (const entity of daos) {
    const table = tables.table(entity.name)
    if (!table)
      throw invalid(
        plugin,
        'migrations',
        `no migration creates the table of entity '${entity.name}' (daos.ts)`,
      )
    checked(plugin, table.createdBy, () =>
      within(`table '${entity.name}'`, () => checkDaoColumns(entity, table)),
    )
  }
  return { name: plugin, migrations: built }
}
