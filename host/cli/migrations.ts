import { join } from 'node:path'
import { Command } from 'commander'
import type { Config } from '../config/index.ts'
import { UserError } from '../errors/index.ts'
import { loadPluginCatalog, migrationSubsystems } from '../plugins/index.ts'
import {
  type MigrationSubsystem,
  migrationsBootstrap,
  migrationsList,
  migrationsStatus,
  migrationsUp,
  openStorage,
  type Storage,
} from '../storage/index.ts'
import { type ConfOptions, configFrom, withConfOptions } from './options.ts'
import { runAction } from './run-action.ts'

/** Kong's exit codes for `migrations list`: 3 = needs bootstrap, 4 = pending migrations. */
const EXIT_NEEDS_BOOTSTRAP = 3
const EXIT_PENDING = 4

/** What a subcommand works on: the open database, the configuration, core's and the plugins' migrations. */
interface Target {
  storage: Storage
  config: Config
  subsystems: MigrationSubsystem[]
}

async function withTarget(options: ConfOptions, fn: (target: Target) => Promise<void>) {
  const config = configFrom(options)
  if (config.database !== 'sqlite') {
    throw new UserError(
      'NO_DATABASE',
      `migrations need a database; this configuration has database = ${config.database}`,
    )
  }
  // As in Kong, the configured plugins' migrations are managed with core's (a bad plugin stops here).
  const catalog = await loadPluginCatalog(config, { cacheDir: join(config.prefix, 'bundles') })
  const subsystems = migrationSubsystems(catalog)
  const storage = await openStorage({ dialect: 'sqlite', path: config.sqlite_path })
  try {
    await fn({ storage, config, subsystems })
  } finally {
    await storage.close()
  }
}

const print = (line: string) => process.stdout.write(`${line}\n`)

/** Kong's layout: one line per subsystem, names right-aligned to the longest (`    core: 001_base`). */
function printGroup(title: string, entries: [subsystem: string, names: string[]][]) {
  print(title)
  const width = Math.max(...entries.map(([subsystem]) => subsystem.length))
  for (const [subsystem, names] of entries) print(`  ${subsystem.padStart(width)}: ${names.join(', ')}`)
}

function subcommand(name: string, description: string, fn: (target: Target) => Promise<void>) {
  return withConfOptions(new Command(name))
    .description(description)
    .action(runAction((options: ConfOptions) => withTarget(options, fn)))
}

export function migrationsCommand(): Command {
  return new Command('migrations')
    .description('manage the database schema (core and plugin migrations)')
    .addCommand(
      subcommand(
        'bootstrap',
        'create the schema of an empty database',
        async ({ storage, config, subsystems }) => {
          print(`bootstrapping database ${config.sqlite_path}...`)
          const { executed } = await migrationsBootstrap(storage, subsystems)
          for (const label of executed) print(`  ${label} executed`)
          print(`${executed.length} migrations processed; database is up-to-date`)
        },
      ),
    )
    .addCommand(
      subcommand('up', 'run the pending migrations', async ({ storage, subsystems }) => {
        const { executed } = await migrationsUp(storage, subsystems)
        if (executed.length === 0) {
          print('database is already up-to-date')
          return
        }
        for (const label of executed) print(`  ${label} executed`)
        print(`${executed.length} migrations processed; database is up-to-date`)
      }),
    )
    .addCommand(
      subcommand('list', 'list executed and pending migrations', async ({ storage, subsystems }) => {
        const status = await migrationsStatus(storage, subsystems)
        if (status.state === 'needs_bootstrap') {
          print(
            'database needs bootstrapping or is older than isogate 0.1; run `isogate migrations bootstrap`',
          )
          process.exitCode = EXIT_NEEDS_BOOTSTRAP
          return
        }
        const list = await migrationsList(storage, subsystems)
        const executed = list.filter((entry) => entry.executed.length)
        printGroup(
          'Executed migrations:',
          executed.map((entry) => [entry.subsystem, entry.executed]),
        )
        const pending = list.filter((entry) => entry.pending.length)
        if (pending.length) {
          printGroup(
            'Pending migrations:',
            pending.map((entry) => [entry.subsystem, entry.pending]),
          )
          print('run `isogate migrations up` to proceed')
          process.exitCode = EXIT_PENDING
        }
      }),
    )
    .addCommand(
      subcommand(
        'status',
        'one line: needs bootstrap, pending, or up-to-date (exit 3, 4, 0)',
        async ({ storage, subsystems }) => {
          const status = await migrationsStatus(storage, subsystems)
          const pending = status.subsystems.reduce((n, s) => n + s.pending.length, 0)
          if (status.state === 'needs_bootstrap') {
            print('database needs bootstrap')
            process.exitCode = EXIT_NEEDS_BOOTSTRAP
          } else if (status.state === 'pending') {
            print(`database has ${pending} pending migrations`)
            process.exitCode = EXIT_PENDING
          } else {
            print('database is up-to-date')
          }
        },
      ),
    )
}
