import { IoRefused } from '../../runtime/isolate/index.ts'
import { GatewayError, toKongBody } from '../errors/index.ts'

/**
 * Bounds on what plugin code may push through kong.db (IPC into the supervisor, whose SQLite is
 * synchronous). Each refusal is an error the plugin can catch, like any other kong.db error: a
 * plugin that loops on it spends its own CPU budget, never the supervisor's.
 */
export const DB_LIMITS = {
  /** kong.db calls one plugin may make while one request runs. */
  callsPerRequest: 100,
  /** Calls of one workspace running at once on this worker; more wait in line... */
  inFlightPerWorkspace: 32,
  /** ...up to this many waiting; past it a call is refused at once. */
  queuedPerWorkspace: 256,
  /** JSON bytes of one entity (or patch) a plugin writes. */
  rowJsonBytes: 64 * 1024,
} as const

const WRITES = new Set(['insert', 'update', 'upsert'])

function limitRefused(message: string): IoRefused {
  return new IoRefused(message, { code: 'DB_LIMIT' })
}

/** A Kong-style 400 (schema violation on the entity), as the Admin API would answer it. */
export function entityRefused(message: string): IoRefused {
  const error = new GatewayError('SCHEMA_VIOLATION', `schema violation (${message})`, {
    '@entity': [message],
  })
  return new IoRefused(error.message, {
    code: error.code,
    fields: error.fields,
    status: error.status,
    body: toKongBody(error),
  })
}

/** One request's kong.db calls, per plugin; `take` throws past DB_LIMITS.callsPerRequest. */
export class DbCallCounter {
  private readonly calls = new Map<string, number>()

  take(plugin: string): void {
    const count = (this.calls.get(plugin) ?? 0) + 1
    this.calls.set(plugin, count)
    if (count > DB_LIMITS.callsPerRequest) {
      throw limitRefused(`kong.db: at most ${DB_LIMITS.callsPerRequest} calls per request`)
    }
  }
}

/** The entity a write sends (`[entity, method, ...args]`): insert's first argument, else the second. */
function writtenRow(args: readonly unknown[]): unknown {
  const method = args[1]
  if (typeof method !== 'string' || !WRITES.has(method)) return undefined
  return method === 'insert' ? args[2] : args[3]
}

/** Throws Kong's 400 when a written entity is larger than DB_LIMITS.rowJsonBytes of JSON. */
export function checkRowSize(args: readonly unknown[]): void {
  const row = writtenRow(args)
  if (row === undefined) return
  // The args came out of the isolate as JSON-safe plain data, already bounded by the bridge.
  const bytes = Buffer.byteLength(JSON.stringify(row) ?? '')
  if (bytes > DB_LIMITS.rowJsonBytes) {
    throw entityRefused(`the entity is ${bytes} bytes of JSON, at most ${DB_LIMITS.rowJsonBytes} are allowed`)
  }
}

type DbCall = (ws: string, plugin: string, args: unknown[]) => Promise<unknown>

/**
 * Wraps a worker's kong.db transport: rows past the size cap never leave the worker, and each
 * workspace has at most DB_LIMITS.inFlightPerWorkspace calls running (the rest wait, in order,
 * up to DB_LIMITS.queuedPerWorkspace; past that a call is refused at once).
 */
export function limitDbCalls(call: DbCall): DbCall {
  const lanes = new Map<string, { running: number; waiting: (() => void)[] }>()
  return async (ws, plugin, args) => {
    checkRowSize(args)
    let lane = lanes.get(ws)
    if (!lane) {
      lane = { running: 0, waiting: [] }
      lanes.set(ws, lane)
    }
    if (lane.running >= DB_LIMITS.inFlightPerWorkspace) {
      if (lane.waiting.length >= DB_LIMITS.queuedPerWorkspace) {
        throw limitRefused('kong.db: too many calls of this workspace in flight')
      }
      const { waiting } = lane
      await new Promise<void>((resolve) => waiting.push(resolve))
    } else lane.running++
    try {
      return await call(ws, plugin, args)
    } finally {
      // A finished call hands its slot to the next in line; the last one out drops the lane.
      const next = lane.waiting.shift()
      if (next) next()
      else if (--lane.running === 0) lanes.delete(ws)
    }
  }
}
