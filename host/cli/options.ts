import type { Command } from 'commander'
import { type Config, loadConfig } from '../config/index.ts'

export interface ConfOptions {
  conf?: string
  prefix?: string
}

/** `-c/--conf` and `-p/--prefix`, as Kong's commands take them. */
export function withConfOptions(command: Command): Command {
  return command
    .option(
      '-c, --conf <file>',
      'configuration file (default: isogate.conf in the working directory, if any)',
    )
    .option('-p, --prefix <dir>', 'override the prefix (working directory of the node)')
}

export function configFrom(options: ConfOptions): Config {
  return loadConfig({ file: options.conf, overrides: options.prefix ? { prefix: options.prefix } : {} })
}
