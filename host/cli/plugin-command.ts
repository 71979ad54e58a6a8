import { Command } from 'commander'
import { buildPlugin } from './plugin-build.ts'
import { scaffoldPlugin } from './plugin-new.ts'
import { testPlugin } from './plugin-test.ts'
import { runAction } from './run-action.ts'

const print = (line: string) => process.stdout.write(`${line}\n`)

/** `isogate plugin new|build|test`: the plugin author's tools. */
export function pluginCommand(): Command {
  return new Command('plugin')
    .description('scaffold, bundle and test a plugin')
    .addCommand(
      new Command('new')
        .description('create <dir>/<name>/ with handler.ts, schema.ts, a passing test and a README')
        .argument('<name>', 'the plugin name: lowercase letters, digits and dashes')
        .option('-d, --dir <dir>', 'where to create the plugin folder', '.')
        .action(
          runAction(async (name: string, options: { dir: string }) => {
            const folder = await scaffoldPlugin(name, options.dir)
            print(`created plugin ${name} in ${folder}`)
            print(`next: isogate plugin test ${folder}`)
          }),
        ),
    )
    .addCommand(
      new Command('build')
        .description(
          'bundle a plugin folder and show its name, version, priority, phases, size and config fields',
        )
        .argument('<dir>', 'the plugin folder')
        .option('-p, --prefix <dir>', 'write the bundle to <dir>/bundles (default: a new temporary folder)')
        .action(
          runAction(async (dir: string, options: { prefix?: string }) => {
            for (const line of await buildPlugin(dir, options.prefix)) print(line)
          }),
        ),
    )
    .addCommand(
      new Command('test')
        .description(
          "run a plugin folder's *.test.ts with vitest (isogate/sdk/testing resolves to this install)",
        )
        .argument('<dir>', 'the plugin folder')
        .action(
          runAction(async (dir: string) => {
            process.exitCode = await testPlugin(dir)
          }),
        ),
    )
}
