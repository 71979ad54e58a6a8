import type { IoRequest } from '../../runtime/protocol.ts'
import type { WorkerData } from '../data/index.ts'

const MAX_KEY = 1024

/**
 * kong.cache's host side for one request: the arguments come from the isolate, so each is checked
 * here again; the workspace is the request's, never the plugin's say, and `plugin` (whose keys
 * these are) is the caller the channel names (ChainRequest.callerOf).
 */
export async function performCache(
  data: WorkerData,
  ws: string,
  plugin: string,
  op: IoRequest['op'],
  args: readonly unknown[],
): Promise<unknown> {
  const key = args[0]
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY) {
    throw new Error(`${op}: the key must be a non-empty string of at most ${MAX_KEY} characters`)
  }
  switch (op) {
    case 'cache.get':
      return data.cache.get(ws, plugin, key)
    case 'cache.set': {
      const stored = data.cache.set(
        ws,
        plugin,
        key,
        token(args[1]),
        args[2] ?? null,
        seconds(args[3]),
        seconds(args[4]),
      )
      return { stored, gen: data.cache.generation(ws) }
    }
    case 'cache.release':
      data.cache.release(ws, plugin, key, token(args[1]))
      return null
    case 'cache.invalidate':
      await data.client.invalidate(ws, key, plugin)
      return null
    case 'cache.probe':
      return data.cache.probe(ws, plugin, key)
    default:
      throw new Error(`${op} is not a cache operation`)
  }
}

function token(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error('cache: bad load token')
  return value
}

function seconds(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error('cache: bad ttl')
  return value
}
