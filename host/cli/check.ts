import { Command } from 'commander'
import { checkConfigFile } from '../config/index.ts'
import { checkNode } from '../gateway/index.ts'
import { createLogger } from '../log/index.ts'
import { runningPid } from './pid-file.ts'
import { runAction } from './run-action.ts'

export function checkCommand(): Command {
  return new Command('check')
    .description('validate a configuration file (default: isogate.conf)')
    .argument('[file]', 'configuration file', 'isogate.conf')
    .action(runAction((file: string) => check(file)))
}

/**
 * Runs every check `start` runs before it listens (configuration, declarative file, plugins,
 * database opened read-only, listen addresses) and reports every mistake, one line each.
 */
export async function check(file: string): Promise<void> {
  const config = checkConfigFile(file)
  // A node running in this prefix holds its own ports: probing them would only find it.
  const skipListeners = runningPid(config) !== null
  await checkNode(config, { logger: createLogger(config, process.stderr), skipListeners })
  process.stdout.write(`configuration at ${file} is valid\n`)
}
