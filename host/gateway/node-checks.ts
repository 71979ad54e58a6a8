import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import type { Config } from '../config/index.ts'
import { type ConfigSnapshot, createEntities, type Entities } from '../entities/index.ts'
import { combineUserErrors, isUserError, keyError, type UserError } from '../errors/index.ts'
import type { Logger } from '../log/index.ts'
import {
  checkPluginsInUse,
  loadPluginCatalog,
  migrationSubsystems,
  type PluginCatalog,
  pluginRegistry,
} from '../plugins/index.ts'
import type { Storage } from '../storage/index.ts'
import { listenProblems } from './listen-check.ts'
import {
  checkDatabaseKind,
  checkDeclarativeReadable,
  importDeclarativeFile,
  loadDeclarative,
  openDatabase,
  openDatabaseReadOnly,
} from './open-database.ts'
import { checkPrefix, checkSqliteFile } from './path-checks.ts'

/**
 * `start` runs these checks and keeps what they open (its catalog, database, entities); `check`
 * runs the same list without side effects: the database is opened read-only, the declarative file
 * is imported into a throw-away in-memory database, nothing is created in the prefix.
 */
type CheckMode = 'start' | 'check'

interface CheckOptions {
  mode: CheckMode
  logger: Logger
  /** Skip the bind probe (`check` beside a running node, whose own ports are taken). */
  skipListeners?: boolean
}

/** What start goes on with. */
export interface CheckedNode {
  catalog: PluginCatalog
  storage: Storage
  entities: Entities
  /** The configuration the node starts with (after the declarative import). */
  initial: ConfigSnapshot
}

interface State {
  config: Config
  options: CheckOptions
  catalog?: PluginCatalog
  /** start: the node's database; check: the read-only file when its schema is current, or memory. */
  storage?: Storage
  entities?: Entities
  prefixUsable?: boolean
  declarativeReadable?: boolean
  databaseUsable?: boolean
  /** check: the in-memory database the declarative file went into (DB-less: the node's own). */
  imported?: Entities
  initial?: ConfigSnapshot
  cleanup: (() => Promise<void>)[]
}

type Step = (state: State) => Promise<void>

/** Cheap checks first, so an operator mistake stops start within a moment. */
const NODE_CHECKS: readonly Step[] = [
  async (state) => {
    await checkPrefix(state.config.prefix)
    state.prefixUsable = true
  },
  async (state) => {
    const { config } = state
    checkDatabaseKind(config)
    if (config.database === 'sqlite') {
      // The default file lives in the prefix: an unusable prefix was reported once already.
      if (!state.prefixUsable && isInside(config.sqlite_path, config.prefix)) return
      await checkSqliteFile(config.sqlite_path)
    }
    state.databaseUsable = true
  },
  async (state) => {
    await checkDeclarativeReadable(state.config)
    state.declarativeReadable = true
  },
  async ({ config, options }) => {
    if (options.skipListeners) return
    const problems = await listenProblems(config)
    if (problems.length > 0) throw combineUserErrors(problems)
  },
  async (state) => {
    state.catalog = await loadCatalog(state)
    for (const warning of state.catalog.warnings) state.options.logger.warn(warning)
  },
  async (state) => openNodeDatabase(state),
  async (state) => {
    const { config, options, catalog } = state
    if (!config.declarative_config || !state.declarativeReadable || !catalog) return
    if (options.mode === 'start') {
      if (state.entities) await loadDeclarative(config, state.entities, options.logger)
      return
    }
    const target =
      config.database === 'off' && state.entities ? state.entities : await memoryEntities(state, catalog)
    await importDeclarativeFile(config.declarative_config, target)
    state.imported = target
  },
  async (state) => {
    if (!state.catalog) return
    const names = await pluginNamesInUse(state)
    if (names === null) return
    try {
      checkPluginsInUse({ plugins: names.map((name) => ({ name })) }, state.catalog)
    } catch (error) {
      if (!isUserError(error)) throw error
      throw keyError(error.code, 'plugins', pluginsValue(state.config), error.message)
    }
  },
]

/**
 * start: every check in order, stopping at the first mistake (that one UserError is thrown and
 * what was opened is closed); what they opened goes on into the node.
 */
export async function startChecks(config: Config, logger: Logger): Promise<CheckedNode> {
  const state = await runChecks(config, { mode: 'start', logger })
  const { catalog, storage, entities, initial } = state
  if (!catalog || !storage || !entities || !initial) throw new Error('node checks left the node unopened')
  return { catalog, storage, entities, initial }
}

/** `isogate check`: every check, each mistake one line of the UserError thrown; nothing is changed. */
export async function checkNode(
  config: Config,
  options: { logger: Logger; skipListeners?: boolean },
): Promise<void> {
  const problems: UserError[] = []
  const state = await runChecks(config, { ...options, mode: 'check' }, problems)
  await closeAll(state)
  if (problems.length > 0) throw combineUserErrors(problems)
}

/** Runs NODE_CHECKS; with `problems`, mistakes are collected there instead of thrown. */
async function runChecks(config: Config, options: CheckOptions, problems?: UserError[]): Promise<State> {
  const state: State = { config, options, cleanup: [] }
  try {
    for (const step of NODE_CHECKS) {
      try {
        await step(state)
      } catch (error) {
        if (problems === undefined || !isUserError(error)) throw error
        problems.push(error)
      }
    }
  } catch (error) {
    await closeAll(state)
    throw error
  }
  return state
}

async function closeAll(state: State): Promise<void> {
  for (const close of state.cleanup.reverse()) await close().catch(() => {})
  state.cleanup = []
}

/** start caches bundles in the prefix; check does too when the prefix is a usable folder, else in a temporary one. */
async function loadCatalog({ config, options, cleanup, prefixUsable }: State): Promise<PluginCatalog> {
  let cacheDir = join(config.prefix, 'bundles')
  if (options.mode === 'check' && (!prefixUsable || !existsSync(config.prefix))) {
    const temporary = await mkdtemp(join(tmpdir(), 'isogate-check-'))
    cleanup.push(() => rm(temporary, { recursive: true, force: true }))
    cacheDir = temporary
  }
  try {
    return await loadPluginCatalog(config, { cacheDir })
  } catch (error) {
    if (!isUserError(error) || !error.code.startsWith('PLUGIN_')) throw error
    throw keyError(error.code, 'plugins', pluginsValue(config), error.message)
  }
}

async function openNodeDatabase(state: State): Promise<void> {
  const { config, options, catalog } = state
  // A database already found unusable was reported once.
  if (!catalog || !state.databaseUsable) return
  const subsystems = migrationSubsystems(catalog)
  const fileDatabase = config.database === 'sqlite' && config.sqlite_path !== ':memory:'
  let storage: Storage
  if (options.mode === 'check' && fileDatabase) {
    // A file that does not exist yet was checked by checkSqliteFile: start creates it.
    if (!existsSync(config.sqlite_path)) return
    const opened = await openDatabaseReadOnly(config, subsystems)
    state.cleanup.push(() => opened.storage.close())
    // Start migrates a database that is behind; only a current one is read for plugins in use.
    if (!opened.upToDate) return
    storage = opened.storage
  } else {
    storage = await openDatabase(config, options.logger, subsystems)
    state.cleanup.push(() => storage.close())
  }
  state.storage = storage
  state.entities = entitiesOver(storage, catalog)
}

/** check: a throw-away in-memory database, as DB-less start makes, for the declarative import. */
async function memoryEntities(state: State, catalog: PluginCatalog): Promise<Entities> {
  const config: Config = { ...state.config, database: 'off' }
  const storage = await openDatabase(config, state.options.logger, migrationSubsystems(catalog))
  state.cleanup.push(() => storage.close())
  return entitiesOver(storage, catalog)
}

function entitiesOver(storage: Storage, catalog: PluginCatalog): Entities {
  const schemas = catalog.plugins.flatMap((plugin) => plugin.daos)
  return createEntities(storage, { plugins: pluginRegistry(catalog), schemas })
}

/**
 * Names of the plugins the node's configuration uses: start reads its database after the
 * declarative import; check reads what start would find (the imported file when DB-less, else
 * the database file, read-only). Null when there is nothing to read yet.
 */
async function pluginNamesInUse(state: State): Promise<string[] | null> {
  const source =
    state.options.mode === 'check' && state.config.database === 'off' ? state.imported : state.entities
  if (source === undefined) return null
  if (state.options.mode === 'check' && state.storage && state.config.database === 'sqlite') {
    // A read-only file: a plain query, not the entity layer's write-locking transaction.
    const rows = await state.storage.db.selectFrom('plugins').select('name').distinct().execute()
    return rows.map((row) => String(row.name))
  }
  const snapshot = await source.loadSnapshot()
  if (state.options.mode === 'start') state.initial = snapshot
  return snapshot.plugins.map((plugin) => plugin.name)
}

function isInside(file: string, dir: string): boolean {
  const path = relative(dir, file)
  return path !== '' && !path.startsWith('..')
}

const pluginsValue = (config: Config) => (config.plugins.length > 0 ? config.plugins.join(',') : 'off')
