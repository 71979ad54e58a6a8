import type { IsolateFactory } from '../../runtime/isolate/index.ts'
import { PluginQuarantine } from '../chain/index.ts'
import type { Config } from '../config/index.ts'
import { localWorkerData, type PluginDb } from '../data/index.ts'
import type { ConfigSnapshot } from '../entities/types.ts'
import type { Logger } from '../log/index.ts'
import type { PluginCatalog } from '../plugins/index.ts'
import { createProxyNode } from './proxy-node.ts'
import type { StrikeBoard } from './strike-board.ts'
import { type Workers, workerDataOptions } from './workers.ts'

/**
 * One proxy in this very process: what tests and embedders use (no crash isolation).
 * `createIsolate` replaces createPluginIsolate (the bench's in-process baseline).
 */
export async function startLocalWorkers(
  config: Config,
  logger: Logger,
  nodeId: string,
  snapshot: ConfigSnapshot,
  catalog: PluginCatalog,
  db: PluginDb,
  board: StrikeBoard,
  createIsolate?: IsolateFactory,
): Promise<Workers> {
  const data = localWorkerData(db, workerDataOptions(config))
  const quarantine = new PluginQuarantine((report) => board.strike(report))
  const unsubscribe = board.subscribe((list) => quarantine.apply(list))
  const node = createProxyNode(config, logger, nodeId, catalog, data, createIsolate, quarantine)
  await node.apply(snapshot)
  const addresses = await node.listen()
  return {
    addresses,
    async apply(next) {
      await node.apply(next)
    },
    async invalidate(keys) {
      if (keys === 'all') data.cache.purge()
      else for (const { ws, key, plugin } of keys) data.cache.invalidate(ws, key, plugin)
    },
    async stats() {
      const plugins = node.pluginTimings()
      return {
        server: node.stats(),
        phaseCalls: plugins ? [{ pid: process.pid, ...plugins.phaseCalls }] : [],
        isolateBuilds: plugins ? [{ pid: process.pid, ...plugins.isolateBuilds }] : [],
      }
    },
    ready: () => true,
    close: (graceMs) => {
      unsubscribe()
      return node.close(graceMs)
    },
  }
}
