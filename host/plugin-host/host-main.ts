/**
 * Entry of the plugin host process: runs api.ts handlers for the supervisor, which kills it when a
 * call overruns its deadline. Nothing here is trusted to stay responsive; everything it sends is
 * capped first (api-runner.ts).
 */
import { type CrossingWatchdog, IoRefused, startCrossingWatchdog } from '../../runtime/isolate/index.ts'
import { ApiRunner } from './api-runner.ts'
import type { FromHost, ToHost } from './messages.ts'

type DbAnswer = Extract<ToHost, { t: 'db' }>

const send = (message: FromHost) => {
  if (process.connected) process.send?.(message)
}
let watchdog: CrossingWatchdog | undefined
const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
let nextDb = 1
let runner: ApiRunner | undefined

const db = (ws: string, plugin: string, args: unknown[]): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const id = nextDb++
    pending.set(id, { resolve, reject })
    send({ t: 'db', id, ws, plugin, args })
  })

const settle = (message: DbAnswer) => {
  const waiter = pending.get(message.id)
  if (!waiter) return
  pending.delete(message.id)
  if (message.ok) waiter.resolve(message.value)
  else waiter.reject(message.detail ? new IoRefused(message.error, message.detail) : new Error(message.error))
}

process.on('message', (message: ToHost) => {
  if (message.t === 'init') {
    watchdog ??= startCrossingWatchdog({ graceMs: message.init.watchdogGraceMs })
    runner = new ApiRunner(message.init, watchdog, db)
  } else if (message.t === 'db') settle(message)
  else if (message.t === 'call') {
    const answer = runner
      ? runner.call(message.workspace, message.plugin, message.api, () =>
          send({ t: 'running', id: message.id }),
        )
      : Promise.resolve({
          status: 500,
          body: null,
          logs: [],
          failure: { reason: 'exception', detail: 'no init' },
        })
    void answer
      .catch((error: unknown) => ({
        status: 500,
        body: null,
        logs: [],
        failure: { reason: 'exception', detail: error instanceof Error ? error.message : 'a host error' },
      }))
      .then((value) => send({ t: 'answer', id: message.id, answer: value }))
  }
})
// The supervisor is gone: nothing left to serve.
process.on('disconnect', () => process.exit(0))
// Signals reach the whole process group on a Ctrl-C: the supervisor decides when this host ends.
process.on('SIGINT', () => {})
send({ t: 'hello' })
