import type { Entities } from '../entities/index.ts'
import type { ConfigSnapshot } from '../entities/types.ts'
import type { Workers } from './workers.ts'

/**
 * Pushes the configuration to the proxy workers after committed changes. Publishes run one at a
 * time, and one publish covers every change committed before it started, so a burst of writes
 * costs one snapshot per waiting caller at most, never a stale one.
 */
export class Publisher {
  private dirty = false
  private version: number
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly entities: Entities,
    private readonly workers: () => Workers | undefined,
    initial: ConfigSnapshot,
  ) {
    this.version = initial.version
    entities.onChange(() => {
      this.dirty = true
    })
  }

  get currentVersion(): number {
    return this.version
  }

  /** Resolves once every worker runs a configuration that includes all changes committed so far. */
  publish(): Promise<void> {
    const run = this.queue.then(async () => {
      const workers = this.workers()
      if (!this.dirty || !workers) return
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
}
