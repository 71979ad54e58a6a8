import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import type { Config } from '../config/index.ts'
import { importDeclarative, readDeclarativeFile } from '../declarative/index.ts'
import type { Entities } from '../entities/index.ts'
import { isGatewayError, isUserError, keyError } from '../errors/index.ts'
import type { Logger } from '../log/index.ts'
import {
  type MigrationSubsystem,
  migrationsBootstrap,
  migrationsStatus,
  migrationsUp,
  openStorage,
  type Storage,
} from '../storage/index.ts'

/** `database = postgres` is a valid key value that this version cannot serve. */
export function checkDatabaseKind(config: Config): void {
  if (config.database === 'postgres') {
    throw keyError(
      'DATABASE_UNSUPPORTED',
      'database',
      'postgres',
      'not available in this version of isogate; use sqlite or off',
    )
  }
}

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
  checkDatabaseKind(config)
  const path = config.database === 'off' ? ':memory:' : config.sqlite_path
  const storage = await databaseCall(config, () => openStorage({ dialect: 'sqlite', path }))
  try {
    const status = await databaseCall(config, () => migrationsStatus(storage, subsystems))
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
 * `isogate check`: opens an existing SQLite file read-only and reads its migration state, changing
 * nothing. The caller closes it.
 */
export async function openDatabaseReadOnly(
  config: Config,
  subsystems?: MigrationSubsystem[],
): Promise<{ storage: Storage; upToDate: boolean }> {
  const storage = await databaseCall(config, () =>
    openStorage({ dialect: 'sqlite', path: config.sqlite_path, readOnly: true }),
  )
  try {
    const status = await databaseCall(config, () => migrationsStatus(storage, subsystems))
    return { storage, upToDate: status.state === 'up_to_date' }
  } catch (error) {
    await storage.close()
    throw error
  }
}

/** SQLite's and the file system's refusals (not a database, a folder that is a file) name sqlite_path. */
async function databaseCall<T>(config: Config, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (typeof code !== 'string' || !/^(SQLITE_|E[A-Z]+$)/.test(code)) throw error
    throw keyError('DATABASE_UNAVAILABLE', 'sqlite_path', config.sqlite_path, (error as Error).message)
  }
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
  const counts = await importDeclarativeFile(file, entities)
  logger.notice({ file, counts }, 'declarative configuration loaded')
}

/** Reads, validates and imports a declarative file; its mistakes name declarative_config. */
export async function importDeclarativeFile(file: string, entities: Entities) {
  try {
    return await importDeclarative(entities, await readDeclarativeFile(file, entities))
  } catch (error) {
    throw declarativeError(file, error)
  }
}

function declarativeError(file: string, error: unknown): unknown {
  if (!isUserError(error) && !isGatewayError(error)) return error
  // The parser names the file itself; the key already does.
  const reason = error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message
  return keyError('DECLARATIVE_INVALID', 'declarative_config', file, reason)
}

/** The declarative file can be read (start checks this before the slower steps). */
export async function checkDeclarativeReadable(config: Config): Promise<void> {
  const file = config.declarative_config
  if (!file) return
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => error)
  if (info instanceof Error) {
    const reason = info.code === 'ENOENT' ? 'no such file' : info.message
    throw keyError('DECLARATIVE_UNREADABLE', 'declarative_config', file, reason)
  }
  if (!info.isFile()) throw keyError('DECLARATIVE_UNREADABLE', 'declarative_config', file, 'not a file')
  await access(file, constants.R_OK).catch(() => {
    throw keyError('DECLARATIVE_UNREADABLE', 'declarative_config', file, 'not readable')
  })
}

async function isEmpty(entities: Entities): Promise<boolean> {
  const snapshot = await entities.loadSnapshot()
  if (snapshot.services.length > 0 || snapshot.routes.length > 0 || snapshot.plugins.length > 0) return false
  for (const workspace of snapshot.workspaces) {
    if ((await entities.consumers.page(workspace.id, { size: 1 })).data.length > 0) return false
  }
  return true
}
