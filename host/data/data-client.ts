import type { EntityInfo } from '../../runtime/protocol.ts'
import { limitDbCalls } from './db-limits.ts'
import type { PluginDb } from './plugin-db.ts'
import { WorkerCache } from './worker-cache.ts'

/**
 * How a proxy worker reaches the plugin data services: kong.db where the database is (the
 * supervisor, over IPC, or this process), and cache invalidations that every worker must see.
 */
export interface DataClient {
  db(ws: string, plugin: string, args: unknown[]): Promise<unknown>
  /** kong.cache.invalidate: resolves once every worker (this one included) dropped the plugin's key. */
  invalidate(ws: string, key: string, plugin: string): Promise<void>
}

/** A worker's plugin data: the client, its own cache, and what kong.db shows isolates. */
export interface WorkerData {
  client: DataClient
  cache: WorkerCache
  entities: EntityInfo[]
}

export interface WorkerDataOptions {
  /** Bytes of the worker's cache, all workspaces together (mem_cache_size). */
  cacheBytes: number
  /** How long a cache loader may keep others waiting (plugin_wall_ms). */
  loadTimeoutMs: number
}

/** For a proxy running in the supervisor's own process: direct calls, one cache. */
export function localWorkerData(db: PluginDb, options: WorkerDataOptions): WorkerData {
  const cache = new WorkerCache({
    maxBytes: options.cacheBytes,
    loadTimeoutMs: options.loadTimeoutMs,
  })
  return {
    cache,
    entities: db.entities,
    client: {
      db: limitDbCalls((ws, plugin, args) => db.perform(ws, plugin, args)),
      invalidate: async (ws, key, plugin) => cache.invalidate(ws, key, plugin),
    },
  }
}
