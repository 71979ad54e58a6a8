import type { Entities } from './entities-types.ts'

export interface TtlPurgerOptions {
  /** Longest wait between two purges, whatever the next expiry (default 60 s). */
  maxIntervalMs?: number
}

/**
 * Deletes expired rows of ttl entities when they expire: a timer set to the next expiry (never
 * longer than `maxIntervalMs`), re-armed after every run and after every committed change to a
 * ttl entity. Timers do not keep the process alive; a failed purge is retried on the next tick.
 */
export function startTtlPurger(entities: Entities, options: TtlPurgerOptions = {}): { stop(): void } {
  const maxInterval = options.maxIntervalMs ?? 60_000
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  let running = false
  // A change committed during a run: its new row may expire before the run's answer says.
  let again = false

  const arm = (at: number | null) => {
    clearTimeout(timer)
    if (stopped) return
    const delay = at === null ? maxInterval : Math.min(maxInterval, Math.max(0, at - Date.now()))
    timer = setTimeout(run, delay)
    timer.unref()
  }

  async function run(): Promise<void> {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = true
    again = false
    let next: number | null = null
    try {
      next = (await entities.purgeExpired()).nextExpiry
    } catch {
      // Retried on the next tick (at most maxInterval away).
    } finally {
      running = false
    }
    arm(again ? Date.now() : next)
  }

  const unsubscribe = entities.onChange((event) => {
    if (entities.schema(event.entity)?.ttl) arm(Date.now())
  })
  arm(Date.now())
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
      unsubscribe()
    },
  }
}
