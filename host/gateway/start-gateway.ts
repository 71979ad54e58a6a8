import { hostname } from 'node:os'
import type { IsolateFactory } from '../../runtime/isolate/index.ts'
import { createAdminApp, type NodeInfo } from '../admin/index.ts'
import type { Config, ListenAddress } from '../config/index.ts'
import { createPluginDb } from '../data/index.ts'
import { loopbackServices } from '../egress/index.ts'
import { type Entities, startTtlPurger } from '../entities/index.ts'
import { createLogger, type Logger } from '../log/index.ts'
import { PluginApi } from '../plugin-api/index.ts'
import { nodePlugins, type PluginCatalog } from '../plugins/index.ts'
import { createMetrics, createStatusApp } from '../status/index.ts'
import { startClusterWorkers } from './cluster-workers.ts'
import { startLocalWorkers } from './local-workers.ts'
import { startChecks } from './node-checks.ts'
import { loadNodeId } from './node-id.ts'
import { Publisher } from './publisher.ts'
import { type ServedApp, serveApp } from './serve-app.ts'
import { strikeBoard } from './strike-board.ts'
import { VERSION } from './version.ts'
import type { Workers } from './workers.ts'

/** How often the database is asked whether another process committed (SQLite's data_version). */
const EXTERNAL_WRITES_POLL_MS = 250

/**
 * `workers`: `cluster` (default), worker_processes proxy processes under this one (the CLI);
 * `local`, the proxy runs in this process (tests, embedding). Only a local proxy takes
 * `createIsolate`, which replaces createPluginIsolate: the benchmark's in-process baseline runs
 * plugins in the gateway's own heap with it. No configuration key reaches it.
 */
export type GatewayOptions =
  | { workers?: 'cluster'; logger?: Logger }
  | { workers: 'local'; logger?: Logger; createIsolate?: IsolateFactory }

export interface Gateway {
  readonly config: Config
  readonly nodeId: string
  readonly entities: Entities
  readonly addresses: { proxy: ListenAddress[]; admin: ListenAddress[]; status: ListenAddress[] }
  /** Graceful: stop accepting, let in-flight requests finish (at most graceMs), close the database. */
  stop(graceMs?: number): Promise<void>
}

/** Starts a whole node: database, Admin API, status listener and proxy workers. */
export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config)
  const started: { close(): Promise<void> }[] = []
  const cleanup = async () => {
    for (const part of started.reverse()) await part.close().catch(() => {})
  }
  try {
    // The checks `isogate check` runs too; they stop at the first operator mistake.
    const { catalog, storage, entities, initial } = await startChecks(config, logger)
    started.push(storage)
    const nodeId = loadNodeId(config.prefix)
    // Allowed (Kong's "Admin API loopback" pattern is one), but worth an operator's look.
    for (const service of loopbackServices(initial.services)) {
      logger.warn(
        { service: service.name ?? service.id, host: service.host, port: service.port },
        'service points at this host; plugin_egress_deny applies to plugin targets only',
      )
    }
    let workers: Workers | undefined
    const publisher = new Publisher(entities, () => workers, initial)
    // Limit failures of plugins, counted for the whole node here (not per worker), and quarantines.
    const board = strikeBoard(config, logger)
    const db = createPluginDb({
      entities,
      catalog,
      afterWrite: () => publisher.publish(),
      readOnly: config.database === 'off',
      maxRows: config.plugin_db_max_rows,
    })
    workers =
      options.workers === 'local'
        ? await startLocalWorkers(config, logger, nodeId, initial, catalog, db, board, options.createIsolate)
        : await startClusterWorkers(config, logger, nodeId, initial, catalog, db, board)
    const proxyWorkers = workers
    started.push({ close: () => proxyWorkers.close(0) })
    // Rows with a ttl are purged as they expire; the purge's change events reach caches via the publisher.
    const purger = startTtlPurger(entities)
    started.push({ close: async () => purger.stop() })
    // Commits of another process (`isogate config db_import` into this node's database) reach the
    // proxy: a new snapshot and no cache entry that may be stale, within a poll.
    const watcher = setInterval(() => {
      if (storage.changedElsewhere()) publisher.changedElsewhere()
    }, EXTERNAL_WRITES_POLL_MS)
    watcher.unref()
    started.push({ close: async () => clearInterval(watcher) })

    const databaseReachable = () => storage.ping().catch(() => false)
    const status = async () => {
      const stats = await proxyWorkers.stats()
      return {
        server: stats.server,
        database: { reachable: await databaseReachable() },
        configuration_version: publisher.currentVersion,
        // isogate's extension of Kong's shape, per worker: the wall time of plugin phase calls (µs)
        // and of isolate builds (ms: create, compile, init; what a plugin's cold start costs).
        plugins: {
          phase_calls: stats.phaseCalls.map((w) => ({
            pid: w.pid,
            count: w.count,
            p50_us: w.p50,
            p99_us: w.p99,
          })),
          isolate_builds: stats.isolateBuilds.map((w) => ({
            pid: w.pid,
            count: w.count,
            p50_ms: toMs(w.p50),
            p99_ms: toMs(w.p99),
            last_ms: toMs(w.last),
          })),
          // The api.ts host process (host/plugin-host), counted with the node: null until first used.
          host: { pid: pluginApi?.hostPid ?? null, rss_bytes: pluginApi?.hostRssBytes() ?? null },
          // Plugins whose code does not run now (too many limit failures), until when.
          quarantined: board.active().map((q) => ({
            workspace: q.workspace,
            plugin: q.plugin,
            since: new Date(q.since).toISOString(),
            until: new Date(q.until).toISOString(),
          })),
        },
      }
    }

    let admin: ServedApp | undefined
    let pluginApi: PluginApi | undefined
    if (config.admin_listen.length > 0) {
      if (catalog.plugins.some((plugin) => plugin.api !== null)) {
        pluginApi = new PluginApi({
          catalog,
          db,
          memoryMb: config.isolate_memory_mb,
          cpuMs: config.plugin_cpu_ms,
          wallMs: config.plugin_wall_ms,
          node: { id: nodeId, hostname: hostname(), version: VERSION },
          logger,
        })
        const api = pluginApi
        started.push({ close: async () => api.dispose() })
      }
      const app = createAdminApp({
        entities,
        readOnly: config.database === 'off',
        adminToken: config.admin_token || undefined,
        logger,
        nodeInfo: () => nodeInfo(config, nodeId, catalog),
        pluginSchema: (name) => catalog.pluginSchema(name),
        status,
        afterWrite: () => publisher.publish(),
        ...(pluginApi ? { pluginApi } : {}),
      })
      admin = await serveApp(app, config.admin_listen, 'admin_listen')
      started.push(admin)
    }

    let statusServer: ServedApp | undefined
    if (config.status_listen.length > 0) {
      const metrics = createMetrics({
        server: async () => ({ ...(await proxyWorkers.stats()).server }),
        phaseCalls: async () => (await proxyWorkers.stats()).phaseCalls,
        isolateBuilds: async () => (await proxyWorkers.stats()).isolateBuilds,
        databaseReachable,
        configVersion: () => publisher.currentVersion,
        quarantined: () => board.active(),
      })
      const app = createStatusApp({
        status,
        async notReadyReason() {
          if (!(await databaseReachable())) return 'database is not reachable'
          if (!proxyWorkers.ready()) return 'not every proxy worker runs the latest configuration'
          return null
        },
        metrics: async () => ({ contentType: metrics.contentType, body: await metrics.metrics() }),
      })
      statusServer = await serveApp(app, config.status_listen, 'status_listen')
      started.push(statusServer)
    }

    logger.notice(
      {
        proxy: proxyWorkers.addresses,
        admin: admin?.addresses ?? [],
        status: statusServer?.addresses ?? [],
        database: config.database,
        workers: options.workers === 'local' ? 1 : config.worker_processes,
      },
      `isogate ${VERSION} started`,
    )

    return {
      config,
      nodeId,
      entities,
      addresses: {
        proxy: proxyWorkers.addresses,
        admin: admin?.addresses ?? [],
        status: statusServer?.addresses ?? [],
      },
      async stop(graceMs = 10_000) {
        // Listeners that take changes go first, then the proxy drains, then the database closes.
        // The plugin host is killed first: an api.ts call stuck there must not hold the admin close.
        pluginApi?.dispose()
        await admin?.close()
        await statusServer?.close()
        purger.stop()
        await proxyWorkers.close(graceMs)
        await storage.close()
        logger.notice('isogate stopped')
      },
    }
  } catch (error) {
    await cleanup()
    throw error
  }
}

function nodeInfo(config: Config, nodeId: string, catalog: PluginCatalog): NodeInfo {
  return {
    version: VERSION,
    hostname: hostname(),
    node_id: nodeId,
    tagline: 'Welcome to isogate',
    node_version: process.version,
    configuration: config,
    plugins: nodePlugins(catalog),
  }
}

/** µs → ms with µs precision, null kept. */
const toMs = (us: number | null): number | null => (us === null ? null : Math.round(us) / 1000)
