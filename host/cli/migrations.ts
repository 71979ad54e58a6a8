import { Command } from 'commander'
import type { Config } from '../config/index.ts'
import { UserError } from '../errors/index.ts'
import {
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

async function withStorage(options: ConfOptions, fn: (storage: Storage, config: Config) => Promise<void>) {
  const config = configFrom(options)
  if (config.database !== 'sqlite') {
    throw new UserError(
      'NO_DATABASE',
      `migrations need a database; this configuration has database = ${config.database}`,
    )
  }
  const storage = await openStorage({ dialect: 'sqlite', path: config.sqlite_path })
  try {
    await fn(storage, config)
  } finally {
    await storage.close()
  }
}

const print = (line: string) => process.stdout.write(`${line}\n`)

function subcommand(
  name: string,
  description: string,
  fn: (storage: Storage, config: Config) => Promise<void>,
) {
  return withConfOptions(new Command(name))
    .description(description)
    .action(runAction((options: ConfOptions) => withStorage(options, fn)))
}

export function migrationsCommand(): Command {
  return new Command('migrations')
    .description('manage the database schema (core and plugin migrations)')
    .addCommand(
      subcommand('bootstrap', 'create the schema of an empty database', async (storage, config) => {
        print(`bootstrapping database ${config.sqlite_path}...`)
        const { executed } = await migrationsBootstrap(storage)
        for (const label of executed) print(`  ${label} executed`)
        print(`${executed.length} migrations processed; database is up-to-date`)
      }),
    )
    .addCommand(
      subcommand('up', 'run the pending migrations', async (storage) => {
        const { executed } = await migrationsUp(storage)
        if (executed.length === 0) {
          print('database is already up-to-date')
          return
        }
        for (const label of executed) print(`  ${label} executed`)
        print(`${executed.length} migrations processed; database is up-to-date`)
      }),
    )
    .addCommand(
      subcommand('list', 'list executed and pending migrations', async (storage) => {
        const status = await migrationsStatus(storage)
        if (status.state === 'needs_bootstrap') {
          print(
            'database needs bootstrapping or is older than isogate 0.1; run `isogate migrations bootstrap`',
          )
          process.exitCode = EXIT_NEEDS_BOOTSTRAP
          return
        }
        const list = await migrationsList(storage)
        print('Executed migrations:')
        for (const entry of list)
          if (entry.executed.length) print(`  ${entry.subsystem}: ${entry.executed.join(', ')}`)
        const pending = list.filter((entry) => entry.pending.length)
        if (pending.length) {
          print('Pending migrations:')
          for (const entry of pending) print(`  ${entry.subsystem}: ${entry.pending.join(', ')}`)
          print('run `isogate migrations up` to proceed')
          process.exitCode = EXIT_PENDING
        }
      }),
    )
    .addCommand(
      subcommand(
        'status',
        'one line: needs bootstrap, pending, or up-to-date (exit 3, 4, 0)',
        async (storage) => {
          const status = await migrationsStatus(storage)
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
