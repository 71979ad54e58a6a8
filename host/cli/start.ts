import { Command } from 'commander'
import { UserError } from '../errors/index.ts'
import { startGateway } from '../gateway/index.ts'
import { type ConfOptions, configFrom, withConfOptions } from './options.ts'
import { removePid, runningPid, writePid } from './pid-file.ts'
import { runAction } from './run-action.ts'

const GRACE_MS = 10_000

export function startCommand(): Command {
  return withConfOptions(new Command('start'))
    .description('run the gateway in the foreground (applies pending migrations first on SQLite)')
    .action(runAction((options: ConfOptions) => start(options)))
}

/** Starts a node in this process and keeps it until SIGINT, SIGTERM or SIGQUIT (all graceful). */
export async function start(options: ConfOptions): Promise<void> {
  const config = configFrom(options)
  const pid = runningPid(config)
  if (pid !== null)
    throw new UserError('ALREADY_RUNNING', `isogate is already running in ${config.prefix} (pid ${pid})`)
  const gateway = await startGateway(config, { workers: 'cluster' })
  writePid(config)
  let stopping = false
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second Ctrl-C means "now".
      process.exit(130)
    }
    stopping = true
    process.stderr.write(`isogate: ${signal} received, finishing in-flight requests\n`)
    try {
      await gateway.stop(GRACE_MS)
    } finally {
      removePid(config)
      process.exit(0)
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGQUIT'] as const) process.on(signal, () => void stop(signal))
}
