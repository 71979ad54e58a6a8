import type { EntityInfo, IoErrorDetail } from '../../runtime/protocol.ts'
import type { QuarantineEntry, StrikeReport } from '../chain/index.ts'
import type { Config, ListenAddress } from '../config/index.ts'
import type { ConfigSnapshot } from '../entities/types.ts'
import type { CatalogData } from '../plugins/index.ts'
import type { ProxyStats } from '../proxy/index.ts'
import type { PluginTimings } from './proxy-node.ts'
import type { CacheKeyRef } from './workers.ts'

/** Messages from the supervisor to a cluster worker. */
export type ToWorker =
  | {
      t: 'init'
      config: Config
      nodeId: string
      snapshot: ConfigSnapshot
      plugins: CatalogData
      /** What kong.db offers plugins (the supervisor's PluginDb). */
      entities: EntityInfo[]
    }
  | { t: 'config'; snapshot: ConfigSnapshot }
  /** Drop these kong.cache keys (`all`: every key); answer `invalidated`. */
  | { t: 'invalidate'; id: number; keys: CacheKeyRef[] | 'all' }
  /** The answer to a worker's `db` request. */
  | { t: 'db'; id: number; ok: true; value: unknown }
  | { t: 'db'; id: number; ok: false; error: string; detail?: IoErrorDetail }
  /** Every worker dropped the key a worker's `cache.invalidate` named. */
  | { t: 'cache.invalidated'; id: number }
  | { t: 'stats'; id: number }
  /** The node's plugin quarantines in force (the whole list, on every change and to new workers). */
  | { t: 'quarantine'; list: QuarantineEntry[] }
  | { t: 'shutdown'; graceMs: number }

/** Messages from a cluster worker to the supervisor. */
export type FromWorker =
  /** The worker's listeners are attached: messages sent before this could be lost. */
  | { t: 'hello' }
  | { t: 'ready'; addresses: ListenAddress[]; version: number }
  | { t: 'applied'; version: number }
  | { t: 'stats'; id: number; stats: ProxyStats; plugins: PluginTimings | null }
  /** `code`: an operator mistake (a UserError's code, e.g. a proxy_listen port in use), else a bug. */
  | { t: 'failed'; message: string; code?: string }
  | { t: 'invalidated'; id: number }
  /** kong.db for a plugin of this worker: run where the database is. */
  | { t: 'db'; id: number; ws: string; plugin: string; args: unknown[] }
  /** A plugin hit a limit here: counted on the node's strike board. */
  | { t: 'strike'; report: StrikeReport }
  /** kong.cache.invalidate: every worker must drop the plugin's key. */
  | { t: 'cache.invalidate'; id: number; ws: string; key: string; plugin: string }
