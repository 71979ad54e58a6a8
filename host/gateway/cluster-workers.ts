import cluster, { type Worker } from 'node:cluster'
import { IoRefused } from '../../runtime/isolate/index.ts'
import { ownScript } from '../../runtime/package-files.ts'
import type { Config, ListenAddress } from '../config/index.ts'
import type { PluginDb } from '../data/index.ts'
import type { ConfigSnapshot } from '../entities/types.ts'
import { UserError } from '../errors/index.ts'
import type { Logger } from '../log/index.ts'
import { catalogData, type PluginCatalog } from '../plugins/index.ts'
import type { StrikeBoard } from './strike-board.ts'
import type { FromWorker, ToWorker } from './worker-messages.ts'
import { type CacheKeyRef, sumStats, type Workers, type WorkerTimings } from './workers.ts'

// The supervisor's own node flags (--no-node-snapshot; tsx's loader when run from the sources) suit the workers.
const WORKER_MAIN = ownScript('worker', 'host/gateway/worker-main.ts')
/** How long a worker may take to acknowledge a snapshot before the change is reported as not applied. */
const APPLY_TIMEOUT_MS = 10_000
const RESPAWN_DELAY_MS = 250

interface Slot {
  worker: Worker
  applied: number
}

/**
 * `worker_processes` proxy workers under this supervisor (node:cluster shares the listening
 * sockets). A worker that dies is replaced with the current snapshot; isolated-vm can abort a
 * process, and this is where that stops being an outage.
 */
export async function startClusterWorkers(
  config: Config,
  logger: Logger,
  nodeId: string,
  initial: ConfigSnapshot,
  catalog: PluginCatalog,
  db: PluginDb,
  board: StrikeBoard,
): Promise<Workers> {
  const plugins = catalogData(catalog)
  // Each worker accepts its own connections (the OS spreads them): with round-robin the supervisor
  // accepts every proxy connection and hands it over, so a busy supervisor would stall the proxy.
  // Read once, at the first setupPrimary; Node 20 has no reusePort to do this otherwise.
  cluster.schedulingPolicy = cluster.SCHED_NONE
  cluster.setupPrimary({ exec: WORKER_MAIN, execArgv: process.execArgv, silent: false })
  const slots = new Set<Slot>()
  let current = initial
  let stopping = false
  let statsId = 0
  let invalidateId = 0
  let addresses: ListenAddress[] = []

  const send = (slot: Slot, message: ToWorker) => {
    if (slot.worker.isConnected()) slot.worker.send(message)
  }

  const waitFor = <T extends FromWorker>(slot: Slot, match: (m: FromWorker) => m is T, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`worker ${slot.worker.process.pid} did not answer`)),
        timeoutMs,
      )
      const onMessage = (message: FromWorker) => {
        if (message.t === 'failed')
          done(message.code ? new UserError(message.code, message.message) : new Error(message.message))
        else if (match(message)) done(undefined, message)
      }
      const onExit = () => done(new Error(`worker ${slot.worker.process.pid} exited`))
      const done = (error?: Error, value?: T) => {
        clearTimeout(timer)
        slot.worker.off('message', onMessage)
        slot.worker.off('exit', onExit)
        if (error) reject(error)
        else resolve(value as T)
      }
      slot.worker.on('message', onMessage)
      slot.worker.once('exit', onExit)
    })

  const invalidate = async (keys: CacheKeyRef[] | 'all') => {
    const id = ++invalidateId
    await Promise.all(
      [...slots].map(async (slot) => {
        const done = waitFor(
          slot,
          (m): m is Extract<FromWorker, { t: 'invalidated' }> => m.t === 'invalidated' && m.id === id,
          APPLY_TIMEOUT_MS,
        )
        send(slot, { t: 'invalidate', id, keys })
        // A worker that died meanwhile is replaced with an empty cache: nothing left to drop.
        await done.catch((error: unknown) => {
          if (slot.worker.isConnected()) throw error
        })
      }),
    )
  }

  /** Plugin data requests from a worker: kong.db runs here, where the database is. */
  const serve = (slot: Slot) => async (message: FromWorker) => {
    if (message.t === 'db') {
      try {
        const value = await db.perform(message.ws, message.plugin, message.args)
        send(slot, { t: 'db', id: message.id, ok: true, value: value ?? null })
      } catch (error) {
        const detail = error instanceof IoRefused ? error.detail : undefined
        const text = error instanceof Error ? error.message : String(error)
        send(slot, { t: 'db', id: message.id, ok: false, error: text, ...(detail ? { detail } : {}) })
      }
    } else if (message.t === 'strike') {
      board.strike(message.report)
    } else if (message.t === 'cache.invalidate') {
      await invalidate([{ ws: message.ws, key: message.key, plugin: message.plugin }]).catch(
        (error: unknown) => logger.error({ err: error }, 'could not invalidate a cache key on every worker'),
      )
      send(slot, { t: 'cache.invalidated', id: message.id })
    }
  }

  const spawn = async (): Promise<void> => {
    const slot: Slot = { worker: cluster.fork(), applied: -1 }
    slots.add(slot)
    slot.worker.on('message', serve(slot))
    slot.worker.once('exit', (code, signal) => {
      slots.delete(slot)
      if (stopping) return
      logger.error({ pid: slot.worker.process.pid, code, signal }, 'proxy worker died; starting a new one')
      // A short pause keeps a worker that dies at once from turning into a fork loop.
      setTimeout(() => {
        if (!stopping)
          spawn().catch((error) => logger.error({ err: error }, 'could not replace a proxy worker'))
      }, RESPAWN_DELAY_MS).unref()
    })
    await waitFor(slot, (m): m is Extract<FromWorker, { t: 'hello' }> => m.t === 'hello', 30_000)
    const snapshot = current
    const readySignal = waitFor(
      slot,
      (m): m is Extract<FromWorker, { t: 'ready' }> => m.t === 'ready',
      30_000,
    )
    send(slot, { t: 'init', config, nodeId, snapshot, plugins, entities: db.entities })
    // A new worker (a replaced one too) holds the quarantines in force from its first request.
    send(slot, { t: 'quarantine', list: board.active() })
    const ready = await readySignal
    slot.applied = snapshot.version
    addresses = ready.addresses
    // A change may have landed while this worker was starting.
    if (current.version !== snapshot.version) await applyTo(slot, current)
  }

  const applyTo = async (slot: Slot, snapshot: ConfigSnapshot) => {
    const acked = waitFor(
      slot,
      (m): m is Extract<FromWorker, { t: 'applied' }> => m.t === 'applied' && m.version === snapshot.version,
      APPLY_TIMEOUT_MS,
    )
    send(slot, { t: 'config', snapshot })
    await acked
    slot.applied = Math.max(slot.applied, snapshot.version)
  }

  const unsubscribe = board.subscribe((list) => {
    for (const slot of slots) send(slot, { t: 'quarantine', list })
  })
  try {
    await Promise.all(Array.from({ length: config.worker_processes }, () => spawn()))
  } catch (error) {
    stopping = true
    unsubscribe()
    for (const slot of slots) slot.worker.process.kill('SIGKILL')
    throw error
  }

  return {
    get addresses() {
      return addresses
    },
    async apply(snapshot) {
      current = snapshot
      await Promise.all([...slots].filter((s) => s.applied >= 0).map((slot) => applyTo(slot, snapshot)))
    },
    invalidate,
    async stats() {
      const id = ++statsId
      const answers = await Promise.allSettled(
        [...slots].map(async (slot) => {
          const answer = waitFor(
            slot,
            (m): m is Extract<FromWorker, { t: 'stats' }> => m.t === 'stats' && m.id === id,
            2_000,
          )
          send(slot, { t: 'stats', id })
          return { pid: slot.worker.process.pid ?? 0, ...(await answer) }
        }),
      )
      const answered = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []))
      return {
        server: sumStats(answered.map((a) => a.stats)),
        phaseCalls: answered.flatMap(({ pid, plugins }): WorkerTimings[] =>
          plugins ? [{ pid, ...plugins.phaseCalls }] : [],
        ),
        isolateBuilds: answered.flatMap(({ pid, plugins }): WorkerTimings[] =>
          plugins ? [{ pid, ...plugins.isolateBuilds }] : [],
        ),
      }
    },
    ready: () => slots.size > 0 && [...slots].every((s) => s.applied === current.version),
    async close(graceMs) {
      stopping = true
      unsubscribe()
      await Promise.all(
        [...slots].map(
          (slot) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => slot.worker.process.kill('SIGKILL'), graceMs + 5_000)
              slot.worker.once('exit', () => {
                clearTimeout(kill)
                resolve()
              })
              send(slot, { t: 'shutdown', graceMs })
            }),
        ),
      )
    },
  }
}
