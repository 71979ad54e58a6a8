export { type DataClient, localWorkerData, type WorkerData, type WorkerDataOptions } from './data-client.ts'
export { DB_LIMITS, DbCallCounter, limitDbCalls } from './db-limits.ts'
export { createPluginDb, type PluginDb, type PluginDbOptions } from './plugin-db.ts'
export { type CacheAnswer, WorkerCache, type WorkerCacheOptions } from './worker-cache.ts'
