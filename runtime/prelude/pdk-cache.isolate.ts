/**
 * kong.cache: the plugin's own namespace of its workspace's cache in this worker, kept by the host
 * (so it outlives isolates; the host names the plugin from the channel). `get` asks the host; on a miss the host hands this
 * caller a load token, the loader runs here, and its value goes back with `cache.set`; callers of
 * the same key elsewhere wait for it, so a loader runs once per key at a time (Kong's mlcache).
 */
import { l1Drop, l1Get, l1Set } from './cache-l1.isolate.ts'
import type { Frame } from './call.isolate.ts'
import { misuse } from './errors.isolate.ts'
import { NumberIsFinite, ObjectFreeze, own, PromiseResolve, ReflectApply } from './intrinsics.isolate.ts'
import { requestIo } from './io.isolate.ts'
import { entered, FrameBound } from './pdk-bound.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { toPlain } from './values.isolate.ts'

const MAX_KEY = 1024
/** A host that keeps answering "load" (its token expired while we loaded) is not retried forever. */
const MAX_ATTEMPTS = 3

function key(fn: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_KEY) {
    throw misuse(fn, `key must be a non-empty string of at most ${MAX_KEY} characters`)
  }
  return value
}

/** Seconds (0: no expiry), or `absent` when not given. Kong's `ttl` and `neg_ttl` (`negTtl` too). */
function seconds(fn: string, opts: unknown, name: string, absent: number, alias?: string): number {
  if (opts === undefined || opts === null) return absent
  if (typeof opts !== 'object') throw misuse(fn, 'opts must be an object')
  let value = own(opts as object, name)
  if (value === undefined && alias !== undefined) value = own(opts as object, alias)
  if (value === undefined || value === null) return absent
  if (typeof value !== 'number' || !NumberIsFinite(value) || value < 0) {
    throw misuse(fn, `opts.${name} must be a number of seconds, 0 or more`)
  }
  return value
}

async function settled(wait: Promise<unknown>): Promise<void> {
  await wait
}

interface GetAnswer {
  hit?: boolean
  value?: unknown
  load?: unknown
}

type CacheOp = 'cache.get' | 'cache.set' | 'cache.release' | 'cache.invalidate' | 'cache.probe'

async function load(
  frame: Frame,
  fn: string,
  k: string,
  ttl: number,
  negTtl: number,
  loader: unknown,
  args: unknown[],
): Promise<unknown> {
  const io = (op: CacheOp, ioArgs: unknown[]) => requestIo(frame, op, ioArgs)
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const answer = (await io('cache.get', [k])) as GetAnswer | null
    if (own(answer, 'hit') === true) {
      const value = own(answer, 'value') ?? null
      const left = own(answer, 'ttl')
      l1Set(frame.plugin, k, value, typeof left === 'number' ? left : null, own(answer, 'gen'))
      return value
    }
    const token = own(answer, 'load')
    if (typeof token !== 'number') continue
    if (typeof loader !== 'function') {
      await io('cache.release', [k, token])
      return null
    }
    let value: unknown
    try {
      value = toPlain(await ReflectApply(loader, undefined, args), fn, false, 'the loaded value') ?? null
    } catch (error) {
      await io('cache.release', [k, token])
      throw error
    }
    const kept = await io('cache.set', [k, token, value, ttl, negTtl])
    if (own(kept as object, 'stored') === true) {
      const seconds = value === null ? negTtl : ttl
      l1Set(frame.plugin, k, value, seconds > 0 ? seconds * 1000 : null, own(kept as object, 'gen'))
    }
    return value
  }
  throw misuse(fn, 'the cache kept this key busy; try again')
}

/** kong.cache: methods on a frozen prototype; an instance only carries its frame (pdk-bound). */
class CacheModule extends FrameBound {
  /** The cached value, or the loader's (null when it gives nothing: cached for `neg_ttl`). */
  get(k: unknown, opts?: unknown, loader?: unknown, ...args: unknown[]): Promise<unknown> {
    const fn = 'kong.cache.get'
    const frame = entered(this, fn, PHASES.request)
    const checked = key(fn, k)
    if (loader !== undefined && typeof loader !== 'function')
      throw misuse(fn, 'the loader must be a function')
    const ttl = seconds(fn, opts, 'ttl', 0)
    // As Kong's db_cache_neg_ttl: a miss is kept as long as a hit unless told otherwise.
    const negTtl = seconds(fn, opts, 'neg_ttl', ttl, 'negTtl')
    const hit = l1Get(frame.plugin, checked)
    if (hit !== undefined) return PromiseResolve(hit.value)
    return load(frame, fn, checked, ttl, negTtl, loader, args)
  }
  /** Drops the plugin's key in this workspace's cache on every worker. */
  invalidate(k: unknown): Promise<void> {
    const fn = 'kong.cache.invalidate'
    const frame = entered(this, fn, PHASES.request)
    const checked = key(fn, k)
    l1Drop(frame.plugin, checked)
    return settled(requestIo(frame, 'cache.invalidate', [checked]))
  }
  /** `{ ttl, value }` (ttl: seconds left, null without expiry) when cached, else null; never loads. */
  probe(k: unknown): Promise<unknown> {
    const fn = 'kong.cache.probe'
    const frame = entered(this, fn, PHASES.request)
    return requestIo(frame, 'cache.probe', [key(fn, k)])
  }
}
ObjectFreeze(CacheModule.prototype)
ObjectFreeze(CacheModule)

export function cacheModule(frame: Frame): object {
  return new CacheModule(frame)
}
