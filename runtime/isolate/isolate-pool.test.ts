import { afterEach, describe, expect, it } from 'vitest'
import { fakeIsolate, phaseCall } from './fake-prelude.fixture.ts'
import { IsolatePool, isIsolateError, type PluginIsolate } from './index.ts'

let pool: IsolatePool | undefined
afterEach(() => pool?.dispose())

/** A pool over fake isolates whose `access` keeps `n` MB of arrays alive; counts builds per key. */
function countingPool(recycleAt?: number): {
  pool: IsolatePool
  builds: Map<string, number>
  made: PluginIsolate[]
} {
  const builds = new Map<string, number>()
  const made: PluginIsolate[] = []
  pool = new IsolatePool({
    create: async (key) => {
      builds.set(key, (builds.get(key) ?? 0) + 1)
      const isolate = await fakeIsolate(`{ access(m) {
        globalThis.keep ??= [];
        for (let i = 0; i < (m.budgetMs || 0); i++) keep.push(new Array(128 * 1024).fill(i));
        return { shared: { held: keep.length } };
      } }`)
      made.push(isolate)
      return isolate
    },
    ...(recycleAt === undefined ? {} : { recycleAt }),
  })
  return { pool, builds, made }
}
const retain = (mb: number) => ({ ...phaseCall(), budgetMs: mb })

describe('IsolatePool', () => {
  it('shares one build between concurrent acquires of a key', async () => {
    const { pool, builds } = countingPool()
    const leases = await Promise.all([pool.acquire('ws/p'), pool.acquire('ws/p'), pool.acquire('ws/p')])
    expect(builds.get('ws/p')).toBe(1)
    expect(new Set(leases.map((lease) => lease.isolate)).size).toBe(1)
    const other = await pool.acquire('ws/q')
    expect(other.isolate).not.toBe(leases[0]!.isolate)
    expect(pool.size).toBe(2)
    for (const lease of [...leases, other]) lease.release()
  })

  it('leases a built isolate at once, and nothing it would have to build or that is going', async () => {
    const { pool, builds } = countingPool()
    expect(pool.acquireNow('ws/p')).toBeNull()
    await pool.warm('ws/p')
    const now = pool.acquireNow('ws/p')
    expect(now?.isolate).toBe((await pool.acquire('ws/p')).isolate)
    now?.release()
    pool.renew('ws/p')
    // Retiring (its replacement still building): acquire waits for the new one.
    expect(pool.acquireNow('ws/p')).toBeNull()
    const fresh = await pool.acquire('ws/p')
    expect(pool.acquireNow('ws/p')?.isolate).toBe(fresh.isolate)
    fresh.isolate.dispose()
    expect(pool.acquireNow('ws/p')).toBeNull()
    expect(builds.get('ws/p')).toBe(2)
    pool.dispose()
    expect(pool.acquireNow('ws/p')).toBeNull()
  })

  it('warms a key ahead of traffic, once', async () => {
    const { pool, builds } = countingPool()
    await pool.warm('ws/p')
    await pool.warm('ws/p')
    ;(await pool.acquire('ws/p')).release()
    expect(builds.get('ws/p')).toBe(1)
  })

  it('rebuilds after discard, and after the isolate was disposed by a fault', async () => {
    const { pool, builds } = countingPool()
    const first = await pool.acquire('ws/p')
    first.release()
    pool.discard('ws/p')
    expect(first.isolate.disposed).toBe(true)
    const second = await pool.acquire('ws/p')
    expect(builds.get('ws/p')).toBe(2)
    second.isolate.dispose() // as a limit does
    second.release()
    const third = await pool.acquire('ws/p')
    expect(third.isolate.disposed).toBe(false)
    expect(builds.get('ws/p')).toBe(3)
    third.release()
  })

  it('forgets a failed build, so the next acquire tries again', async () => {
    let attempts = 0
    pool = new IsolatePool({
      create: async () => {
        attempts++
        if (attempts === 1) throw new Error('bundle missing')
        return fakeIsolate('{}')
      },
    })
    await expect(pool.acquire('ws/p')).rejects.toThrow('bundle missing')
    const lease = await pool.acquire('ws/p')
    expect(attempts).toBe(2)
    lease.release()
  })

  it('recycles an isolate above the heap threshold, letting held leases finish on it', async () => {
    const { pool, builds } = countingPool(0.5)
    const holder = await pool.acquire('ws/p')
    const filler = await pool.acquire('ws/p')
    const old = filler.isolate
    expect(filler.isolate.dispatch(retain(20), 1000).shared).toEqual({ held: 20 })
    const { used, limit } = old.heap()
    expect(used / limit).toBeGreaterThan(0.5)
    filler.release()
    const fresh = await pool.acquire('ws/p')
    expect(builds.get('ws/p')).toBe(2)
    expect(fresh.isolate).not.toBe(old)
    // The request still holding the old isolate finishes there.
    expect(old.disposed).toBe(false)
    expect(holder.isolate.dispatch(retain(0), 1000).shared).toEqual({ held: 20 })
    holder.release()
    expect(old.disposed).toBe(true)
    expect(fresh.isolate.dispatch(retain(0), 1000).shared).toEqual({ held: 0 })
    fresh.release()
  })

  it('renews an isolate on request: new leases get a fresh one, held ones finish on the old', async () => {
    const { pool, builds } = countingPool()
    const held = await pool.acquire('ws/p')
    const old = held.isolate
    pool.renew('ws/p')
    const fresh = await pool.acquire('ws/p')
    expect(builds.get('ws/p')).toBe(2)
    expect(fresh.isolate).not.toBe(old)
    expect(old.disposed).toBe(false)
    expect(old.dispatch(retain(0), 1000).shared).toEqual({ held: 0 })
    held.release()
    expect(old.disposed).toBe(true)
    fresh.release()
    // Without a lease held, the old one goes at once.
    const again = await pool.acquire('ws/p')
    expect(again.isolate).toBe(fresh.isolate)
    again.release()
    pool.renew('ws/p')
    expect(fresh.isolate.disposed).toBe(true)
  })

  it('keeps an isolate below the threshold', async () => {
    const { pool, builds } = countingPool(0.8)
    const lease = await pool.acquire('ws/p')
    lease.isolate.dispatch(retain(2), 1000)
    lease.release()
    lease.release()
    const again = await pool.acquire('ws/p')
    expect(again.isolate).toBe(lease.isolate)
    expect(builds.get('ws/p')).toBe(1)
    again.release()
  })

  it('disposes every isolate on dispose, and refuses later acquires', async () => {
    const { pool, made } = countingPool()
    const lease = await pool.acquire('ws/p')
    await pool.warm('ws/q')
    pool.dispose()
    expect(made.every((isolate) => isolate.disposed)).toBe(true)
    lease.release()
    const error = await pool.acquire('ws/p').catch((caught: unknown) => caught)
    expect(isIsolateError(error) && error.code).toBe('isolate_disposed')
  })

  it('disposes an isolate that finished building after its key was discarded', async () => {
    const { pool, made } = countingPool()
    const building = pool.warm('ws/p')
    pool.discard('ws/p')
    await building
    expect(made[0]?.disposed).toBe(true)
    const lease = await pool.acquire('ws/p')
    expect(lease.isolate.disposed).toBe(false)
    lease.release()
  })
})
