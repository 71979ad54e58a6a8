/**
 * The isolate's own copy of kong.cache hits (Kong's mlcache L1 in front of the worker's shared
 * L2): a hit costs no host I/O at all. It stays correct because every call brings the keys
 * invalidated since this isolate's previous call (`cacheDrop`), applied before any handler runs.
 */
import { ArrayIsArray, DateNow, MapCtor, MapDelete, MapGet, MapSet } from './intrinsics.isolate.ts'

interface Entry {
  value: unknown
  /** DateNow() after which the entry is gone; Infinity when it does not expire. */
  expires: number
}

/** Bound of entries: past it the copy starts over empty (the host's cache still has them all). */
const MAX_ENTRIES = 10_000

let entries = new MapCtor<string, Entry>()
let count = 0
/** The worker's cache generation whose invalidations this copy has applied. */
let applied = 0

function drop(key: string): void {
  if (MapDelete(entries, key)) count--
}

export function l1Get(key: string): Entry | undefined {
  const entry = MapGet(entries, key)
  if (entry === undefined) return undefined
  if (entry.expires <= DateNow()) {
    drop(key)
    return undefined
  }
  return entry
}

/**
 * `ttlMs`: what the host's entry has left (null: no expiry); `gen`: the generation the value was
 * read at. Read before invalidations already applied here, it may be one of them: not kept.
 */
export function l1Set(key: string, value: unknown, ttlMs: number | null, gen: unknown): void {
  if (typeof gen !== 'number' || gen < applied) return
  if (ttlMs !== null && ttlMs <= 0) return
  drop(key)
  if (count >= MAX_ENTRIES) l1Sync(true, applied)
  MapSet(entries, key, { value, expires: ttlMs === null ? Number.POSITIVE_INFINITY : DateNow() + ttlMs })
  count++
}

export const l1Drop = drop

/** Applies a call's `cacheDrop`, which brings the copy up to generation `gen`. */
export function l1Sync(keys: unknown, gen: unknown): void {
  if (typeof gen === 'number' && gen > applied) applied = gen
  if (keys === true) {
    entries = new MapCtor()
    count = 0
    return
  }
  if (!ArrayIsArray(keys)) return
  for (let i = 0; i < keys.length; i++) if (typeof keys[i] === 'string') drop(keys[i])
}
