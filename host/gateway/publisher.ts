import type { ChangeEvent, Entities } from '../entities/index.ts'
import type { ConfigSnapshot } from '../entities/types.ts'
import type { CacheKeyRef, Workers } from './workers.ts'

/** Entities the proxy's snapshot is made of; changes to others (consumers, credentials) only invalidate caches. */
const SNAPSHOT_ENTITIES = new Set(['workspaces', 'services', 'routes', 'plugins'])

/**
 * Pushes committed changes to the proxy workers: cache invalidations for every changed row (so a
 * revoked credential stops working on the next request) and a new snapshot when routing or plugin
 * configuration changed. Publishes run one at a time, and one publish covers every change
 * committed before it started, so a burst of writes costs one snapshot per waiting caller at most,
 * never a stale one. Changes nobody waits for (a TTL purge) are published on the next tick.
 */
export class Publisher {
  private dirty = false
  /** Another process wrote to the database: every cache entry may be stale. */
  private purge = false
  private invalidations: CacheKeyRef[] = []
  private version: number
  private queue: Promise<void> = Promise.resolve()
  private scheduled = false

  constructor(
    private readonly entities: Entities,
    private readonly workers: () => Workers | undefined,
    initial: ConfigSnapshot,
  ) {
    this.version = initial.version
    entities.onChange((event) => this.record(event))
  }

  get currentVersion(): number {
    return this.version
  }

  /** Resolves once every worker runs a configuration that includes all changes committed so far. */
  publish(): Promise<void> {
    const run = this.queue.then(async () => {
      const workers = this.workers()
      if (!workers) return
      if (this.purge) {
        this.purge = false
        this.invalidations = []
        await workers.invalidate('all').catch((error: unknown) => {
          this.purge = true
          throw error
        })
      }
      const keys = this.invalidations
      this.invalidations = []
      if (keys.length > 0) {
        await workers.invalidate(keys).catch((error: unknown) => {
          this.invalidations.unshift(...keys)
          throw error
        })
      }
      if (!this.dirty) return
      this.dirty = false
      const snapshot = await this.entities.loadSnapshot()
      this.version = Math.max(this.version + 1, snapshot.version)
      await workers.apply({ ...snapshot, version: this.version })
    })
    // A failed publish must not wedge the ones after it; the caller still sees its own failure.
    this.queue = run.catch(() => {
      this.dirty = true
    })
    return run
  }

  /**
   * Another process committed to the database (`config db_import` into a running node's file):
   * which rows changed is unknown, so a new snapshot and every cache entry dropped.
   */
  changedElsewhere(): void {
    this.dirty = true
    this.purge = true
    this.schedule()
  }

  private record(event: ChangeEvent): void {
    if (SNAPSHOT_ENTITIES.has(event.entity)) this.dirty = true
    for (const key of event.cacheKeys) this.invalidations.push({ ws: event.ws_id, key })
    this.schedule()
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.publish().catch(() => {})
    })
  }
}
