import { IsolateError } from './isolate-error.ts'
import type { IsolateHandle } from './isolate-handle.ts'

export interface IsolatePoolOptions {
  /** Builds the isolate for a key (the host uses `<workspace>/<plugin>` or `<workspace>/*`). */
  create: (key: string) => Promise<IsolateHandle>
  /** Recycle an isolate whose heap is above this fraction of its limit after a lease. Default 0.8. */
  recycleAt?: number
}

/**
 * One request's hold on an isolate. A request keeps its lease across all its phases (the isolate
 * holds the request's state between them) and releases it once, when the request ends.
 */
export interface IsolateLease {
  readonly isolate: IsolateHandle
  /** Ends the hold; runs the heap check. Idempotent. */
  release(): void
}

interface Live {
  isolate: IsolateHandle
  leases: number
  /** Replaced: no new leases; disposed when the last one ends. */
  retiring: boolean
  /** When its heap was last checked (performance.now()). */
  checkedAt: number
}

/**
 * At most one heap check per isolate this often: reading V8's heap statistics costs ~5 µs, a
 * measurable share of a request when done after each lease. The memory limit itself still holds
 * between checks; recycling only spares the request that would meet it.
 */
const HEAP_CHECK_MS = 10

interface Slot {
  building: Promise<Live>
  live: Live | null
}

/** Attempts of one acquire when the isolate it got was disposed before it could be leased. */
const ACQUIRE_ATTEMPTS = 3

/**
 * The isolates of one worker, by key, built on demand by the injected factory. Concurrent callers
 * of a key share one build; a disposed isolate (a limit, a violation, `discard`) is rebuilt on the
 * next acquire. After a lease the heap is checked (at most every HEAP_CHECK_MS): above `recycleAt` of its limit the
 * isolate is replaced gracefully: a fresh one is built at once for new requests while leases held
 * on the old one finish there; the old one is disposed when its last lease ends.
 */
export class IsolatePool {
  readonly #create: (key: string) => Promise<IsolateHandle>
  readonly #recycleAt: number
  readonly #slots = new Map<string, Slot>()
  readonly #retiring = new Set<Live>()
  #disposed = false

  constructor(options: IsolatePoolOptions) {
    this.#create = options.create
    this.#recycleAt = options.recycleAt ?? 0.8
  }

  /** Keys with a current isolate (built or building). */
  get size(): number {
    return this.#slots.size
  }

  async acquire(key: string): Promise<IsolateLease> {
    for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
      const slot = this.#slot(key)
      const live = await slot.building
      if (live.isolate.disposed || live.retiring) {
        if (this.#slots.get(key) === slot && live.isolate.disposed) this.#slots.delete(key)
        continue
      }
      return this.#lease(key, live)
    }
    throw new IsolateError(
      'isolate_disposed',
      `the isolate for ${key} was disposed while it was being acquired`,
    )
  }

  /**
   * A lease without waiting, when the isolate of `key` is built and in service (the common case
   * on the request path); null when it is building, missing, disposed or retiring (then `acquire`).
   */
  acquireNow(key: string): IsolateLease | null {
    if (this.#disposed) return null
    const live = this.#slots.get(key)?.live
    if (live == null || live.isolate.disposed || live.retiring) return null
    return this.#lease(key, live)
  }

  /** Builds the isolate for `key` ahead of traffic; nothing when it exists or is being built. */
  async warm(key: string): Promise<void> {
    await this.#slot(key).building
  }

  /** Disposes the current isolate of `key` (after a fault); the next acquire builds a new one. */
  discard(key: string): void {
    const slot = this.#slots.get(key)
    if (!slot) return
    this.#slots.delete(key)
    slot.live?.isolate.dispose()
  }

  /**
   * Replaces the current isolate of `key` gracefully: later acquires get a fresh one (its build
   * starts now), leases held on the old one finish there, and it is disposed after the last.
   */
  renew(key: string): void {
    const slot = this.#slots.get(key)
    if (!slot) return
    const live = slot.live
    this.#slots.delete(key)
    if (live === null) return
    live.retiring = true
    this.#retiring.add(live)
    this.#slot(key).building.catch(() => {})
    if (live.leases === 0) this.#retire(live)
  }

  /** Disposes every isolate, leased or not; later acquires fail. */
  dispose(): void {
    this.#disposed = true
    for (const slot of this.#slots.values()) slot.live?.isolate.dispose()
    for (const live of this.#retiring) live.isolate.dispose()
    this.#slots.clear()
    this.#retiring.clear()
  }

  #slot(key: string): Slot {
    if (this.#disposed) throw new IsolateError('isolate_disposed', 'the isolate pool is disposed')
    const existing = this.#slots.get(key)
    if (existing) return existing
    const slot: Slot = {
      // Through a promise, so even a factory that throws synchronously only rejects this build.
      building: Promise.resolve(key)
        .then(this.#create)
        .then((isolate) => this.#built(key, slot, isolate)),
      live: null,
    }
    // A failed build is forgotten, so the next acquire tries again.
    slot.building.catch(() => {
      if (this.#slots.get(key) === slot) this.#slots.delete(key)
    })
    this.#slots.set(key, slot)
    return slot
  }

  #lease(key: string, live: Live): IsolateLease {
    live.leases++
    let released = false
    return {
      isolate: live.isolate,
      release: () => {
        if (released) return
        released = true
        live.leases--
        this.#afterLease(key, live)
      },
    }
  }

  #built(key: string, slot: Slot, isolate: IsolateHandle): Live {
    const live: Live = { isolate, leases: 0, retiring: false, checkedAt: -Infinity }
    // Discarded, replaced or shut down while building: nobody may use it.
    if (this.#slots.get(key) !== slot) isolate.dispose()
    else slot.live = live
    return live
  }

  #afterLease(key: string, live: Live): void {
    const slot = this.#slots.get(key)
    if (live.isolate.disposed) {
      if (slot?.live === live) this.#slots.delete(key)
      this.#retiring.delete(live)
      return
    }
    const now = performance.now()
    if (!live.retiring && slot?.live === live && now - live.checkedAt >= HEAP_CHECK_MS) {
      live.checkedAt = now
      const { used, limit } = live.isolate.heap()
      if (used > limit * this.#recycleAt) this.renew(key)
    }
    if (live.retiring && live.leases === 0) this.#retire(live)
  }

  /** Disposes a replaced isolate once (its last lease ended). */
  #retire(live: Live): void {
    if (this.#retiring.delete(live)) live.isolate.dispose()
  }
}
