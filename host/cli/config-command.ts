import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Command } from 'commander'
import type { Config } from '../config/index.ts'
import { exportDeclarative, importDeclarative, readDeclarativeFile, toYaml } from '../declarative/index.ts'
import { createEntities } from '../entities/index.ts'
import { UserError } from '../errors/index.ts'
import {
  loadPluginCatalog,
  migrationSubsystems,
  type PluginCatalog,
  pluginRegistry,
} from '../plugins/index.ts'
import { migrationsBootstrap, migrationsStatus, openStorage } from '../storage/index.ts'
import { type ConfOptions, configFrom, withConfOptions } from './options.ts'
import { runAction } from './run-action.ts'

const print = (line: string) => process.stdout.write(`${line}\n`)

/**
 * `config parse` checks a file as thoroughly as an import would (field rules, references,
 * uniqueness) by importing it into a throw-away in-memory database.
 */
async function checkDeclarative(file: string, config: Config): Promise<void> {
  const catalog = await catalogFor(config)
  const storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
  try {
    await migrationsBootstrap(storage, migrationSubsystems(catalog))
    const entities = createEntities(storage, entitiesOptions(catalog))
    await importDeclarative(entities, await readDeclarativeFile(file, entities))
  } finally {
    await storage.close()
  }
}

/** The database of the configuration, bootstrapped (Kong refuses to import into an empty schema too). */
async function openEntities(options: ConfOptions) {
  const config = configFrom(options)
  if (config.database !== 'sqlite') {
    throw new UserError(
      'NO_DATABASE',
      `this command needs a database; the configuration has database = ${config.database}`,
    )
  }
  const catalog = await catalogFor(config)
  const storage = await openStorage({ dialect: 'sqlite', path: config.sqlite_path })
  if ((await migrationsStatus(storage, migrationSubsystems(catalog))).state !== 'up_to_date') {
    await storage.close()
    throw new UserError(
      'NOT_MIGRATED',
      'the database is not up to date; run `isogate migrations bootstrap` (or `up`) first',
    )
  }
  return { storage, entities: createEntities(storage, entitiesOptions(catalog)) }
}

/** Plugin configs and plugin entities in a file are checked against the plugins this configuration loads. */
function catalogFor(config: Config): Promise<PluginCatalog> {
  return loadPluginCatalog(config, { cacheDir: join(config.prefix, 'bundles') })
}

const entitiesOptions = (catalog: PluginCatalog) => ({
  plugins: pluginRegistry(catalog),
  schemas: catalog.plugins.flatMap((plugin) => plugin.daos),
})

export function configCommand(): Command {
  return new Command('config')
    .description("declarative configuration in Kong's format (_format_version 3.0, YAML or JSON)")
    .addCommand(
      withConfOptions(new Command('parse'))
        .description('check a declarative configuration file without touching the database')
        .argument('<file>')
        .action(
          runAction(async (file: string, options: ConfOptions) => {
            await checkDeclarative(file, configFrom(options))
            print('parse successful')
          }),
        ),
    )
    .addCommand(
      withConfOptions(new Command('db_import'))
        .description('import a declarative configuration file into the database (all or nothing)')
        .argument('<file>')
        .action(
          runAction(async (file: string, options: ConfOptions) => {
            const { storage, entities } = await openEntities(options)
            try {
              const parsed = await readDeclarativeFile(file, entities)
              print('parse successful, beginning import')
              const counts = await importDeclarative(entities, parsed)
              const summary = Object.entries(counts)
                .map(([entity, n]) => `${n} ${entity}`)
                .join(', ')
              print(`import successful${summary ? ` (${summary})` : ''}`)
            } finally {
              await storage.close()
            }
          }),
        ),
    )
    .addCommand(
      withConfOptions(new Command('db_export'))
        .description('export the database as a declarative configuration (to FILE, or to standard output)')
        .argument('[file]')
        .option('-w, --workspace <name>', 'workspace to export', 'default')
        .action(
          runAction(async (file: string | undefined, options: ConfOptions & { workspace: string }) => {
            const { storage, entities } = await openEntities(options)
            try {
              const yaml = toYaml(await exportDeclarative(entities, options.workspace))
              if (file) {
                await writeFile(file, yaml, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
                  throw new UserError(
                    'EXPORT_FAILED',
                    `cannot write ${file}: ${error.code === 'EEXIST' ? 'file already exists' : error.message}`,
                  )
                })
                print(`exported configuration to ${file}`)
              } else {
                process.stdout.write(yaml)
              }
            } finally {
              await storage.close()
            }
          }),
        ),
    )
}
