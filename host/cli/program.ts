import { Command } from 'commander'
import { VERSION } from '../gateway/index.ts'
import { checkCommand } from './check.ts'
import { configCommand } from './config-command.ts'
import { healthCommand } from './health.ts'
import { migrationsCommand } from './migrations.ts'
import { pluginCommand } from './plugin-command.ts'
import { startCommand } from './start.ts'
import { stopCommand } from './stop.ts'

/** The `isogate` command line; each subcommand lives in its own file. */
export function buildProgram(): Command {
  const program = new Command('isogate')
    .description('A Kong-style API gateway whose plugins run untrusted, each in its own V8 isolate')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
  program.addCommand(startCommand())
  program.addCommand(
    stopCommand('stop', 'SIGTERM', 'stop a running node gracefully (in-flight requests finish)'),
  )
  program.addCommand(stopCommand('quit', 'SIGQUIT', 'same as stop: finish in-flight requests, then exit'))
  program.addCommand(healthCommand())
  program.addCommand(checkCommand())
  program.addCommand(migrationsCommand())
  program.addCommand(configCommand())
  program.addCommand(pluginCommand())
  return program
}
