import { IoRefused } from '../../runtime/isolate/index.ts'
import type { EntityInfo } from '../../runtime/protocol.ts'
import {
  type DataClient,
  limitDbCalls,
  WorkerCache,
  type WorkerData,
  type WorkerDataOptions,
} from '../data/index.ts'
import type { FromWorker, ToWorker } from './worker-messages.ts'

type Answer = Extract<ToWorker, { t: 'db' } | { t: 'cache.invalidated' }>

/**
 * A cluster worker's plugin data: kong.db calls travel to the supervisor (which owns the database)
 * as IPC requests; the cache is this worker's own, and invalidations arrive from the supervisor.
 * A supervisor that never answers is bounded by the phase call's wall limit.
 */
export class IpcWorkerData implements WorkerData {
  readonly cache: WorkerCache
  readonly client: DataClient
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>()
  private nextId = 1

  constructor(
    readonly entities: EntityInfo[],
    options: WorkerDataOptions,
    private readonly send: (message: FromWorker) => void,
  ) {
    this.cache = new WorkerCache({
      maxBytes: options.cacheBytes,
      loadTimeoutMs: options.loadTimeoutMs,
    })
    this.client = {
      // Bounded here, before anything crosses to the supervisor (see DB_LIMITS).
      db: limitDbCalls((ws, plugin, args) => this.request((id) => ({ t: 'db', id, ws, plugin, args }))),
      invalidate: async (ws, key, plugin) => {
        await this.request((id) => ({ t: 'cache.invalidate', id, ws, key, plugin }))
      },
    }
  }

  /** An answer from the supervisor. */
  settle(message: Answer): void {
    const waiter = this.pending.get(message.id)
    if (!waiter) return
    this.pending.delete(message.id)
    if (message.t === 'cache.invalidated') waiter.resolve(null)
    else if (message.ok) waiter.resolve(message.value)
    else
      waiter.reject(message.detail ? new IoRefused(message.error, message.detail) : new Error(message.error))
  }

  private request(make: (id: number) => FromWorker): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.send(make(id))
    })
  }
}
