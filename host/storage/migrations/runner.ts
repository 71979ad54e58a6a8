import { UserError } from '../../errors/index.ts'
import type { Db, Storage } from '../storage.ts'
import { coreMigrations } from './core/index.ts'
import type {
  MigrationState,
  MigrationSubsystem,
  MigrationsRun,
  MigrationsStatus,
  SubsystemMigrations,
} from './types.ts'

/**
 * Migrations are tracked in `schema_meta` (Kong's name): one row per executed migration. Each
 * migration and its tracking row commit in one transaction, so a failure leaves the database as it
 * was before that migration. Subsystems run in the order given (`core` first).
 */
const META = 'schema_meta'

const defaultSubsystems = (): MigrationSubsystem[] => [{ name: 'core', migrations: coreMigrations }]

async function metaExists(storage: Storage): Promise<boolean> {
  const tables = await storage.db.introspection.getTables()
  return tables.some((table) => table.name === META)
}

async function executedBySubsystem(storage: Storage): Promise<Map<string, Set<string>>> {
  const result = new Map<string, Set<string>>()
  if (!(await metaExists(storage))) return result
  const rows = await storage.db.selectFrom(META).select(['subsystem', 'name']).execute()
  for (const row of rows) {
    const set = result.get(row.subsystem) ?? new Set<string>()
    set.add(row.name)
    result.set(row.subsystem, set)
  }
  return result
}

function sorted(subsystem: MigrationSubsystem): string[] {
  return subsystem.migrations.map((m) => m.name).sort()
}

export async function migrationsList(
  storage: Storage,
  subsystems: MigrationSubsystem[] = defaultSubsystems(),
): Promise<SubsystemMigrations[]> {
  const executed = await executedBySubsystem(storage)
  return subsystems.map((subsystem) => {
    const done = executed.get(subsystem.name) ?? new Set<string>()
    const names = sorted(subsystem)
    return {
      subsystem: subsystem.name,
      executed: names.filter((name) => done.has(name)),
      pending: names.filter((name) => !done.has(name)),
    }
  })
}

export async function migrationsStatus(
  storage: Storage,
  subsystems: MigrationSubsystem[] = defaultSubsystems(),
): Promise<MigrationsStatus> {
  const list = await migrationsList(storage, subsystems)
  const bootstrapped = (await executedBySubsystem(storage)).size > 0
  let state: MigrationState = 'up_to_date'
  if (!bootstrapped) state = 'needs_bootstrap'
  else if (list.some((entry) => entry.pending.length > 0)) state = 'pending'
  return { state, subsystems: list }
}

async function runPending(storage: Storage, subsystems: MigrationSubsystem[]): Promise<MigrationsRun> {
  const executed = await executedBySubsystem(storage)
  const run: string[] = []
  for (const subsystem of subsystems) {
    const done = executed.get(subsystem.name) ?? new Set<string>()
    const pending = [...subsystem.migrations]
      // The order `migrationsList` shows (code units, not locale: `_` must not move between systems).
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .filter((m) => !done.has(m.name))
    for (const migration of pending) {
      const label = `${subsystem.name}/${migration.name}`
      try {
        await storage.transaction(async (trx) => {
          // Created inside the migration's transaction so a failed first migration leaves no trace.
          await createMetaTable(trx)
          await migration.up(trx)
          await trx
            .insertInto(META)
            .values({ subsystem: subsystem.name, name: migration.name, executed_at: nowSeconds() })
            .execute()
        })
      } catch (error) {
        const cause = error instanceof Error ? error.message : String(error)
        throw new UserError('MIGRATION_FAILED', `migration ${label} failed: ${cause}`)
      }
      run.push(label)
    }
  }
  return { executed: run }
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

async function createMetaTable(db: Db): Promise<void> {
  await db.schema
    .createTable(META)
    .ifNotExists()
    .addColumn('subsystem', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('executed_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('schema_meta_pkey', ['subsystem', 'name'])
    .execute()
}

/** Creates the tracking table and runs every migration (core's first one creates the `default` workspace). */
export async function migrationsBootstrap(
  storage: Storage,
  subsystems: MigrationSubsystem[] = defaultSubsystems(),
): Promise<MigrationsRun> {
  if ((await executedBySubsystem(storage)).size > 0) {
    throw new UserError('ALREADY_BOOTSTRAPPED', 'the database is already bootstrapped; run `migrations up`')
  }
  return runPending(storage, subsystems)
}

/** Runs the pending migrations of every subsystem; the database must be bootstrapped. */
export async function migrationsUp(
  storage: Storage,
  subsystems: MigrationSubsystem[] = defaultSubsystems(),
): Promise<MigrationsRun> {
  if ((await executedBySubsystem(storage)).size === 0) {
    throw new UserError('NOT_BOOTSTRAPPED', 'the database is not bootstrapped; run `migrations bootstrap`')
  }
  return runPending(storage, subsystems)
}
