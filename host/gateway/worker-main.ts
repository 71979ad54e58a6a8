/**
 * Entry of a cluster worker process: waits for its configuration from the supervisor, serves the
 * proxy, applies every snapshot it is sent, and exits after a graceful shutdown.
 */
import { PluginQuarantine } from '../chain/index.ts'
import { isUserError } from '../errors/index.ts'
import { createLogger } from '../log/index.ts'
import { catalogFromData } from '../plugins/index.ts'
import { IpcWorkerData } from './ipc-data-client.ts'
import { createProxyNode, type ProxyNode } from './proxy-node.ts'
import type { FromWorker, ToWorker } from './worker-messages.ts'
import { workerDataOptions } from './workers.ts'

const send = (message: FromWorker) => process.send?.(message)
const quarantine = new PluginQuarantine((report) => send({ t: 'strike', report }))
let node: ProxyNode | undefined
let data: IpcWorkerData | undefined

process.on('message', async (message: ToWorker) => {
  try {
    switch (message.t) {
      case 'init': {
        const logger = createLogger(message.config)
        data = new IpcWorkerData(message.entities, workerDataOptions(message.config), send)
        const catalog = catalogFromData(message.plugins)
        node = createProxyNode(message.config, logger, message.nodeId, catalog, data, undefined, quarantine)
        await node.apply(message.snapshot)
        send({ t: 'ready', addresses: await node.listen(), version: message.snapshot.version })
        break
      }
      case 'config':
        await node?.apply(message.snapshot)
        send({ t: 'applied', version: message.snapshot.version })
        break
      case 'invalidate':
        if (message.keys === 'all') data?.cache.purge()
        else for (const { ws, key, plugin } of message.keys) data?.cache.invalidate(ws, key, plugin)
        send({ t: 'invalidated', id: message.id })
        break
      case 'db':
      case 'cache.invalidated':
        data?.settle(message)
        break
      case 'stats':
        if (node) send({ t: 'stats', id: message.id, stats: node.stats(), plugins: node.pluginTimings() })
        break
      case 'quarantine':
        quarantine.apply(message.list)
        break
      case 'shutdown':
        await shutdown(message.graceMs, 0)
    }
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error)
    send({ t: 'failed', message: text, ...(isUserError(error) ? { code: error.code } : {}) })
    process.exit(1)
  }
})
async function shutdown(graceMs: number, code: number): Promise<never> {
  await node?.close(graceMs)
  process.exit(code)
}
// A Ctrl-C reaches the whole process group: the supervisor decides, and tells the workers.
process.on('SIGINT', () => {})
process.on('SIGTERM', () => void shutdown(10_000, 0))
// The supervisor is gone (killed): stop serving rather than linger on the port as an orphan.
process.on('disconnect', () => void shutdown(1_000, 1))
send({ t: 'hello' })
