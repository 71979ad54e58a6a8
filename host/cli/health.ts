import { Command } from 'commander'
import { request } from 'undici'
import { UserError } from '../errors/index.ts'
import { type ConfOptions, configFrom, withConfOptions } from './options.ts'
import { runningPid } from './pid-file.ts'
import { runAction } from './run-action.ts'

export function healthCommand(): Command {
  return withConfOptions(new Command('health'))
    .description('exit 0 when the node in the prefix is up and ready')
    .action(
      runAction(async (options: ConfOptions) => {
        const config = configFrom(options)
        const pid = runningPid(config)
        if (pid === null) throw new UserError('NOT_RUNNING', `isogate is not running in ${config.prefix}`)
        const status = config.status_listen[0]
        if (status) {
          const host = status.host.includes(':')
            ? `[${status.host}]`
            : status.host === '0.0.0.0'
              ? '127.0.0.1'
              : status.host
          const answer = await request(`http://${host}:${status.port}/status/ready`).catch((error: Error) => {
            throw new UserError(
              'NOT_READY',
              `isogate (pid ${pid}) does not answer on status_listen: ${error.message}`,
            )
          })
          const body = (await answer.body.json()) as { message?: string }
          if (answer.statusCode !== 200) {
            throw new UserError(
              'NOT_READY',
              `isogate (pid ${pid}) is not ready: ${body.message ?? answer.statusCode}`,
            )
          }
        }
        process.stdout.write(`isogate is healthy (pid ${pid}, ${config.prefix})\n`)
      }),
    )
}
