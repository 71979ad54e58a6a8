import { Command } from 'commander'
import { checkConfigFile } from '../config/index.ts'
import { runAction } from './run-action.ts'

export function checkCommand(): Command {
  return new Command('check')
    .description('validate a configuration file (default: isogate.conf)')
    .argument('[file]', 'configuration file', 'isogate.conf')
    .action(
      runAction(async (file: string) => {
        checkConfigFile(file)
        process.stdout.write(`configuration at ${file} is valid\n`)
      }),
    )
}
