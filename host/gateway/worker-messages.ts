import type { PhaseCallStats } from '../chain/index.ts'
import type { Config, ListenAddress } from '../config/index.ts'
import type { ConfigSnapshot } from '../entities/types.ts'
import type { CatalogData } from '../plugins/index.ts'
import type { ProxyStats } from '../proxy/index.ts'

/** Messages from the supervisor to a cluster worker. */
export type ToWorker =
  | { t: 'init'; config: Config; nodeId: string; snapshot: ConfigSnapshot; plugins: CatalogData }
  | { t: 'config'; snapshot: ConfigSnapshot }
  | { t: 'stats'; id: number }
  | { t: 'shutdown'; graceMs: number }

/** Messages from a cluster worker to the supervisor. */
export type FromWorker =
  /** The worker's listeners are attached: messages sent before this could be lost. */
  | { t: 'hello' }
  | { t: 'ready'; addresses: ListenAddress[]; version: number }
  | { t: 'applied'; version: number }
  | { t: 'stats'; id: number; stats: ProxyStats; phaseCalls: PhaseCallStats | null }
  | { t: 'failed'; message: string }
