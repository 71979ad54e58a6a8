import { setTimeout as sleep } from 'node:timers/promises'
import { Command } from 'commander'
import { UserError } from '../errors/index.ts'
import { type ConfOptions, configFrom, withConfOptions } from './options.ts'
import { isAlive, runningPid } from './pid-file.ts'
import { runAction } from './run-action.ts'

export function stopCommand(name: string, signal: NodeJS.Signals, description: string): Command {
  return withConfOptions(new Command(name))
    .description(description)
    .option('-t, --timeout <seconds>', 'how long to wait for the node to exit', '30')
    .action(
      runAction(async (options: ConfOptions & { timeout: string }) => {
        const config = configFrom(options)
        const pid = runningPid(config)
        if (pid === null) throw new UserError('NOT_RUNNING', `isogate is not running in ${config.prefix}`)
        process.kill(pid, signal)
        const deadline = Date.now() + Number(options.timeout) * 1000
        while (isAlive(pid)) {
          if (Date.now() > deadline) {
            throw new UserError(
              'STOP_TIMEOUT',
              `isogate (pid ${pid}) did not exit within ${options.timeout}s`,
            )
          }
          await sleep(50)
        }
        process.stdout.write(`isogate stopped (${config.prefix})\n`)
      }),
    )
}
