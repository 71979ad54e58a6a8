import { LRUCache } from 'lru-cache'

/** What `cache.get` answers: the value (and its ms left, null: no expiry), or the right (a token) to load it. */
export type CacheAnswer = { hit: true; value: unknown; ttl: number | null; gen: number } | { load: number }

/** Invalidated keys remembered per workspace for isolates that have not synced yet. */
const DROP_LOG = 4096

/** A workspace's invalidations: `generation` counts them; `log` holds the latest keys. */
interface Drops {
  generation: number
  log: string[]
}

export interface WorkerCacheOptions {
  /** Bound of each workspace's cache, in bytes of JSON (keys included). */
  maxBytesPerWorkspace: number
  /** A loader that has not answered by then loses its turn to the next caller (plugin_wall_ms). */
  loadTimeoutMs: number
}

interface Load {
  token: number
  /** Invalidated while loading: the value may predate the change, so it is not kept. */
  stale: boolean
  waiters: ((answer: CacheAnswer | null) => void)[]
  timer: NodeJS.Timeout
}

type Entry = { value: unknown }

/**
 * kong.cache in one worker: a bounded LRU per workspace (a tenant filling its cache evicts only its
 * own entries), entries with their own ttl, and at most one loader per key at a time; the others
 * wait for its value. Invalidations come from plugins and from the Admin API (via the supervisor).
 */
export class WorkerCache {
  private readonly spaces = new Map<string, LRUCache<string, Entry>>()
  private readonly loads = new Map<string, Load>()
  private readonly drops = new Map<string, Drops>()
  private nextToken = 1

  constructor(private readonly options: WorkerCacheOptions) {}

  async get(ws: string, key: string): Promise<CacheAnswer> {
    // A released or expired load hands the next waiter its own turn; bounded by the waiters' count.
    for (;;) {
      const entry = this.spaces.get(ws)?.get(key)
      if (entry !== undefined) {
        return { hit: true, value: entry.value, ttl: this.left(ws, key), gen: this.generation(ws) }
      }
      const id = loadId(ws, key)
      const load = this.loads.get(id)
      if (load === undefined) return { load: this.startLoad(id) }
      const answer = await new Promise<CacheAnswer | null>((resolve) => load.waiters.push(resolve))
      if (answer !== null) return answer
    }
  }

  /** The loader's value (null: a miss, kept for negTtl): stored unless invalidated meanwhile. */
  set(
    ws: string,
    key: string,
    token: number,
    value: unknown,
    ttlSeconds: number,
    negTtlSeconds: number,
  ): boolean {
    const id = loadId(ws, key)
    const load = this.loads.get(id)
    if (load === undefined || load.token !== token) return false
    this.endLoad(id, load)
    if (load.stale) {
      for (const waiter of load.waiters) waiter(null)
      return false
    }
    const seconds = value === null ? negTtlSeconds : ttlSeconds
    const ttl = seconds > 0 ? Math.ceil(seconds * 1000) : null
    this.space(ws).set(key, { value }, ttl === null ? {} : { ttl })
    const gen = this.generation(ws)
    for (const waiter of load.waiters) waiter({ hit: true, value, ttl, gen })
    return true
  }

  /** The loader failed: the next waiter loads instead. */
  release(ws: string, key: string, token: number): void {
    const id = loadId(ws, key)
    const load = this.loads.get(id)
    if (load === undefined || load.token !== token) return
    this.handOver(id, load)
  }

  /** Drops `key` from one workspace's cache, or from every workspace's when `ws` is null. */
  invalidate(ws: string | null, key: string): void {
    for (const [space, cache] of ws === null ? this.spaces : [[ws, this.spaces.get(ws)] as const]) {
      cache?.delete(key)
      const load = this.loads.get(loadId(space, key))
      if (load) load.stale = true
      this.logDrop(space, key)
    }
    // Isolates of a workspace without a cache here yet may still hold copies.
    if (ws === null)
      for (const space of this.drops.keys()) if (!this.spaces.has(space)) this.logDrop(space, key)
  }

  /** How many invalidations the workspace has seen: an isolate's copy is current at this number. */
  generation(ws: string): number {
    return this.drops.get(ws)?.generation ?? 0
  }

  /** Keys invalidated after `generation` (true: more than remembered, drop everything). */
  dropsSince(ws: string, generation: number): string[] | true {
    const drops = this.drops.get(ws)
    if (drops === undefined || drops.generation === generation) return []
    const missed = drops.generation - generation
    if (missed < 0 || missed > drops.log.length) return true
    return drops.log.slice(drops.log.length - missed)
  }

  /** `{ ttl, value }` (ttl in seconds left, null when it never expires), or null when not cached. */
  probe(ws: string, key: string): { ttl: number | null; value: unknown } | null {
    const cache = this.spaces.get(ws)
    const entry = cache?.get(key)
    if (cache === undefined || entry === undefined) return null
    const left = this.left(ws, key)
    return { ttl: left === null ? null : Math.ceil(left / 1000), value: entry.value }
  }

  private logDrop(ws: string, key: string): void {
    let drops = this.drops.get(ws)
    if (drops === undefined) {
      drops = { generation: 0, log: [] }
      this.drops.set(ws, drops)
    }
    drops.generation++
    drops.log.push(key)
    if (drops.log.length > DROP_LOG * 2) drops.log = drops.log.slice(-DROP_LOG)
  }

  private left(ws: string, key: string): number | null {
    const left = this.spaces.get(ws)?.getRemainingTTL(key) ?? 0
    return Number.isFinite(left) && left > 0 ? left : null
  }

  /** Entries per workspace (for tests and metrics). */
  size(ws: string): number {
    return this.spaces.get(ws)?.size ?? 0
  }

  private space(ws: string): LRUCache<string, Entry> {
    let cache = this.spaces.get(ws)
    if (cache === undefined) {
      cache = new LRUCache<string, Entry>({
        maxSize: this.options.maxBytesPerWorkspace,
        sizeCalculation: (entry, key) => key.length + (JSON.stringify(entry.value)?.length ?? 4),
      })
      this.spaces.set(ws, cache)
    }
    return cache
  }

  private startLoad(id: string, waiters: Load['waiters'] = []): number {
    const token = this.nextToken++
    const load = { token, stale: false, waiters } as Load
    load.timer = setTimeout(() => this.handOver(id, load), this.options.loadTimeoutMs).unref()
    this.loads.set(id, load)
    return token
  }

  private endLoad(id: string, load: Load): void {
    clearTimeout(load.timer)
    if (this.loads.get(id) === load) this.loads.delete(id)
  }

  /** The first waiter gets a fresh token and loads; the rest wait for it. */
  private handOver(id: string, load: Load): void {
    this.endLoad(id, load)
    const [next, ...rest] = load.waiters
    if (next === undefined) return
    next({ load: this.startLoad(id, rest) })
  }
}

const loadId = (ws: string, key: string) => `${ws}\n${key}`
