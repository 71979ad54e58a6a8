import type { Config } from '../config/index.ts'
import { importDeclarative, readDeclarativeFile } from '../declarative/index.ts'
import type { Entities } from '../entities/index.ts'
import { UserError } from '../errors/index.ts'
import type { Logger } from '../log/index.ts'
import {
  type MigrationSubsystem,
  migrationsBootstrap,
  migrationsStatus,
  migrationsUp,
  openStorage,
  type Storage,
} from '../storage/index.ts'

/**
 * Opens the database the configuration names and brings its schema up to date (SQLite and DB-less
 * only: a shared PostgreSQL is migrated by an operator, as in Kong): `subsystems` are core's and
 * the loaded plugins' migrations (plugins/migrationSubsystems); core's alone when not given.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  subsystems?: MigrationSubsystem[],
): Promise<Storage> {
  if (config.database === 'postgres') {
    throw new UserError(
      'DATABASE_UNSUPPORTED',
      'database = postgres is not available in this version of isogate; use sqlite or off',
    )
  }
  const path = config.database === 'off' ? ':memory:' : config.sqlite_path
  const storage = await openStorage({ dialect: 'sqlite', path })
  try {
    const status = await migrationsStatus(storage, subsystems)
    if (status.state === 'needs_bootstrap') {
      await migrationsBootstrap(storage, subsystems)
      if (config.database !== 'off') logger.notice({ path }, 'database bootstrapped')
    } else if (status.state === 'pending') {
      const { executed } = await migrationsUp(storage, subsystems)
      logger.notice({ migrations: executed }, 'database migrated')
    }
  } catch (error) {
    await storage.close()
    throw error
  }
  return storage
}

/**
 * DB-less: the declarative file is the whole configuration. With a database it seeds an empty
 * one (a first `npm start`), and is left alone once the database holds entities, so Admin API
 * changes are never overwritten by a restart.
 */
export async function loadDeclarative(config: Config, entities: Entities, logger: Logger): Promise<void> {
  const file = config.declarative_config
  if (!file) return
  if (config.database !== 'off' && !(await isEmpty(entities))) {
    logger.info({ file }, 'declarative_config not loaded: the database already holds entities')
    return
  }
  const counts = await importDeclarative(entities, await readDeclarativeFile(file, entities))
  logger.notice({ file, counts }, 'declarative configuration loaded')
}

async function isEmpty(entities: Entities): Promise<boolean> {
  const snapshot = await entities.loadSnapshot()
  if (snapshot.services.length > 0 || snapshot.routes.length > 0 || snapshot.plugins.length > 0) return false
  for (const workspace of snapshot.workspaces) {
    if ((await entities.consumers.page(workspace.id, { size: 1 })).data.length > 0) return false
  }
  return true
}
