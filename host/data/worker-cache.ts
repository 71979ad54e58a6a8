import { LRUCache } from 'lru-cache'

/** What `cache.get` answers: the value (and its ms left, null: no expiry), or the right (a token) to load it. */
export type CacheAnswer = { hit: true; value: unknown; ttl: number | null; gen: number } | { load: number }

/** Invalidated keys remembered per workspace for isolates that have not synced yet. */
const DROP_LOG = 4096

/**
 * A workspace's invalidations: `generation` counts them; `log` holds the latest as `plugin\nkey`,
 * the plugin empty for an entity invalidation (every plugin's entry of that key).
 */
interface Drops {
  generation: number
  log: string[]
}

export interface WorkerCacheOptions {
  /** Bound of the whole cache (every workspace together), in bytes of JSON (keys included). */
  maxBytes: number
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

/** One workspace's entries (keyed `plugin\nkey`) and the plugins that have a namespace in it. */
interface Space {
  lru: LRUCache<string, Entry>
  plugins: Set<string>
}

/**
 * kong.cache in one worker. Keys are per workspace AND per plugin (`plugin\nkey`): a plugin never
 * sees, probes or invalidates another's entries; entity invalidations (a row changed) reach every
 * plugin's entry of that key. At most one loader per key at a time; the others wait for its value.
 *
 * Memory: `maxBytes` bounds all workspaces together. Each workspace has a reserved share
 * (`maxBytes / workspaces holding entries`): past the bound, a workspace above its share evicts its
 * own least recently used entries first; one within its share evicts those of the workspace most
 * above its share. Entries within a workspace's share are never evicted by another workspace.
 */
export class WorkerCache {
  private readonly spaces = new Map<string, Space>()
  private readonly loads = new Map<string, Load>()
  private readonly drops = new Map<string, Drops>()
  private nextToken = 1

  constructor(private readonly options: WorkerCacheOptions) {}

  async get(ws: string, plugin: string, key: string): Promise<CacheAnswer> {
    const space = this.space(ws)
    space.plugins.add(plugin)
    const id = entryId(plugin, key)
    // A released or expired load hands the next waiter its own turn; bounded by the waiters' count.
    for (;;) {
      const entry = space.lru.get(id)
      if (entry !== undefined) {
        return { hit: true, value: entry.value, ttl: this.left(space, id), gen: this.generation(ws) }
      }
      const lid = loadId(ws, id)
      const load = this.loads.get(lid)
      if (load === undefined) return { load: this.startLoad(lid) }
      const answer = await new Promise<CacheAnswer | null>((resolve) => load.waiters.push(resolve))
      if (answer !== null) return answer
    }
  }

  /** The loader's value (null: a miss, kept for negTtl): stored unless invalidated meanwhile. */
  set(
    ws: string,
    plugin: string,
    key: string,
    token: number,
    value: unknown,
    ttlSeconds: number,
    negTtlSeconds: number,
  ): boolean {
    const id = entryId(plugin, key)
    const lid = loadId(ws, id)
    const load = this.loads.get(lid)
    if (load === undefined || load.token !== token) return false
    this.endLoad(lid, load)
    if (load.stale) {
      for (const waiter of load.waiters) waiter(null)
      return false
    }
    const seconds = value === null ? negTtlSeconds : ttlSeconds
    const ttl = seconds > 0 ? Math.ceil(seconds * 1000) : null
    this.store(ws, id, { value }, ttl)
    const gen = this.generation(ws)
    for (const waiter of load.waiters) waiter({ hit: true, value, ttl, gen })
    return true
  }

  /** The loader failed: the next waiter loads instead. */
  release(ws: string, plugin: string, key: string, token: number): void {
    const lid = loadId(ws, entryId(plugin, key))
    const load = this.loads.get(lid)
    if (load === undefined || load.token !== token) return
    this.handOver(lid, load)
  }

  /**
   * Drops `key` from one plugin's namespace (kong.cache.invalidate), or, without `plugin`, from
   * every plugin's of the workspace (an entity changed); `ws` null: every workspace's.
   */
  invalidate(ws: string | null, key: string, plugin?: string): void {
    const names = ws === null ? new Set([...this.spaces.keys(), ...this.drops.keys()]) : [ws]
    for (const name of names) {
      const space = this.spaces.get(name)
      for (const owner of plugin === undefined ? (space?.plugins ?? []) : [plugin]) {
        const id = entryId(owner, key)
        space?.lru.delete(id)
        const load = this.loads.get(loadId(name, id))
        if (load) load.stale = true
      }
      // Isolates of a workspace without a cache here yet may still hold copies.
      this.logDrop(name, entryId(plugin ?? '', key))
    }
  }

  /**
   * Drops every entry of every workspace, here and in the isolates' copies: the database changed
   * under this node (another process wrote to it) and which rows is not known.
   */
  purge(): void {
    for (const space of this.spaces.values()) space.lru.clear()
    for (const load of this.loads.values()) load.stale = true
    for (const ws of new Set([...this.spaces.keys(), ...this.drops.keys()])) {
      let drops = this.drops.get(ws)
      if (drops === undefined) {
        drops = { generation: 0, log: [] }
        this.drops.set(ws, drops)
      }
      // A gap wider than the log: isolates behind it drop all their copies (dropsSince answers true).
      drops.generation += drops.log.length + 1
    }
  }

  /** How many invalidations the workspace has seen: an isolate's copy is current at this number. */
  generation(ws: string): number {
    return this.drops.get(ws)?.generation ?? 0
  }

  /**
   * Drops after `generation` as `plugin\nkey` (empty plugin: every plugin's), true when more than
   * remembered (drop everything). With `plugin`, only the drops that concern it.
   */
  dropsSince(ws: string, generation: number, plugin?: string): string[] | true {
    const drops = this.drops.get(ws)
    if (drops === undefined || drops.generation === generation) return []
    const missed = drops.generation - generation
    if (missed < 0 || missed > drops.log.length) return true
    const list = drops.log.slice(drops.log.length - missed)
    if (plugin === undefined) return list
    return list.filter((drop) => drop.startsWith('\n') || drop.startsWith(`${plugin}\n`))
  }

  /** `{ ttl, value }` (ttl in seconds left, null when it never expires), or null when not cached. */
  probe(ws: string, plugin: string, key: string): { ttl: number | null; value: unknown } | null {
    const space = this.spaces.get(ws)
    const id = entryId(plugin, key)
    const entry = space?.lru.get(id)
    if (space === undefined || entry === undefined) return null
    const left = this.left(space, id)
    return { ttl: left === null ? null : Math.ceil(left / 1000), value: entry.value }
  }

  /** Entries of a workspace (for tests and metrics). */
  size(ws: string): number {
    return this.spaces.get(ws)?.lru.size ?? 0
  }

  /** Bytes a workspace's entries take (for tests and metrics). */
  bytes(ws: string): number {
    return this.spaces.get(ws)?.lru.calculatedSize ?? 0
  }

  private store(ws: string, id: string, entry: Entry, ttl: number | null): void {
    const space = this.space(ws)
    space.lru.set(id, entry, ttl === null ? {} : { ttl })
    let total = 0
    let holders = 0
    for (const other of this.spaces.values()) {
      total += other.lru.calculatedSize
      if (other.lru.size > 0) holders++
    }
    if (total <= this.options.maxBytes) return
    const share = this.options.maxBytes / Math.max(1, holders)
    // Each round frees at least one entry: bounded by the number of entries.
    while (total > this.options.maxBytes) {
      const victim = this.victim(space, share)
      const before = victim.lru.calculatedSize
      victim.lru.purgeStale()
      if (victim.lru.calculatedSize === before) victim.lru.pop()
      const freed = before - victim.lru.calculatedSize
      if (freed <= 0) return
      total -= freed
    }
  }

  /** Whose entries go: the writer's when above its share, else the workspace most above its share. */
  private victim(writer: Space, share: number): Space {
    if (writer.lru.calculatedSize > share) return writer
    let victim = writer
    let most = 0
    for (const space of this.spaces.values()) {
      const over = space.lru.calculatedSize - share
      if (over > most) {
        most = over
        victim = space
      }
    }
    return victim
  }

  private logDrop(ws: string, drop: string): void {
    let drops = this.drops.get(ws)
    if (drops === undefined) {
      drops = { generation: 0, log: [] }
      this.drops.set(ws, drops)
    }
    drops.generation++
    drops.log.push(drop)
    if (drops.log.length > DROP_LOG * 2) drops.log = drops.log.slice(-DROP_LOG)
  }

  private left(space: Space, id: string): number | null {
    const left = space.lru.getRemainingTTL(id)
    return Number.isFinite(left) && left > 0 ? left : null
  }

  private space(ws: string): Space {
    let space = this.spaces.get(ws)
    if (space === undefined) {
      space = {
        lru: new LRUCache<string, Entry>({
          maxSize: this.options.maxBytes,
          sizeCalculation: (entry, key) => key.length + (JSON.stringify(entry.value)?.length ?? 4),
        }),
        plugins: new Set(),
      }
      this.spaces.set(ws, space)
    }
    return space
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

/** Plugin names never hold a newline, so `plugin\nkey` is unambiguous whatever the key holds. */
const entryId = (plugin: string, key: string) => `${plugin}\n${key}`
const loadId = (ws: string, id: string) => `${ws}\n${id}`
