/**
 * The isolate's own copy of kong.cache hits (Kong's mlcache L1 in front of the worker's shared
 * L2): a hit costs no host I/O at all. It stays correct because every call brings the keys
 * invalidated since this isolate's previous call (`cacheDrop`), applied before any handler runs.
 * Entries are per plugin (`plugin\nkey`), as on the host: in a workspace isolate, plugins sharing
 * a key still get their own values.
 */
import {
  ArrayIsArray,
  DateNow,
  MapCtor,
  MapDelete,
  MapGet,
  MapSet,
  push,
  SetAdd,
  SetCtor,
  SetHas,
  StringIndexOf,
  StringSlice,
} from './intrinsics.isolate.ts'

interface Entry {
  value: unknown
  /** DateNow() after which the entry is gone; Infinity when it does not expire. */
  expires: number
}

/** Bound of entries: past it the copy starts over empty (the host's cache still has them all). */
const MAX_ENTRIES = 10_000

let entries = new MapCtor<string, Entry>()
let count = 0
/** The plugins with entries here (for drops of a key in every plugin's namespace). */
let owners = new SetCtor<string>()
let ownerList: string[] = []
/** The worker's cache generation whose invalidations this copy has applied. */
let applied = 0

function drop(id: string): void {
  if (MapDelete(entries, id)) count--
}

export function l1Get(plugin: string, key: string): Entry | undefined {
  const id = `${plugin}\n${key}`
  const entry = MapGet(entries, id)
  if (entry === undefined) return undefined
  if (entry.expires <= DateNow()) {
    drop(id)
    return undefined
  }
  return entry
}

/**
 * `ttlMs`: what the host's entry has left (null: no expiry); `gen`: the generation the value was
 * read at. Read before invalidations already applied here, it may be one of them: not kept.
 */
export function l1Set(plugin: string, key: string, value: unknown, ttlMs: number | null, gen: unknown): void {
  if (typeof gen !== 'number' || gen < applied) return
  if (ttlMs !== null && ttlMs <= 0) return
  const id = `${plugin}\n${key}`
  drop(id)
  if (count >= MAX_ENTRIES) l1Sync(true, applied)
  if (!SetHas(owners, plugin)) {
    SetAdd(owners, plugin)
    push(ownerList, plugin)
  }
  MapSet(entries, id, { value, expires: ttlMs === null ? Number.POSITIVE_INFINITY : DateNow() + ttlMs })
  count++
}

export function l1Drop(plugin: string, key: string): void {
  drop(`${plugin}\n${key}`)
}

/**
 * Applies a call's `cacheDrop` (`plugin\nkey` each, an empty plugin for every plugin's entry of
 * the key), which brings the copy up to generation `gen`.
 */
export function l1Sync(keys: unknown, gen: unknown): void {
  if (typeof gen === 'number' && gen > applied) applied = gen
  if (keys === true) {
    entries = new MapCtor()
    count = 0
    owners = new SetCtor()
    ownerList = []
    return
  }
  if (!ArrayIsArray(keys)) return
  for (let i = 0; i < keys.length; i++) {
    const id = keys[i]
    if (typeof id !== 'string') continue
    if (StringIndexOf(id, '\n') !== 0) {
      drop(id)
      continue
    }
    const key = StringSlice(id, 1)
    for (let j = 0; j < ownerList.length; j++) drop(`${ownerList[j]}\n${key}`)
  }
}
