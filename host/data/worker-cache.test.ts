import { afterEach, describe, expect, it, vi } from 'vitest'
import { WorkerCache } from './worker-cache.ts'

const cache = (maxBytes = 1_000_000, loadTimeoutMs = 5_000) =>
  new WorkerCache({ maxBytesPerWorkspace: maxBytes, loadTimeoutMs })

afterEach(() => {
  vi.useRealTimers()
})

describe('WorkerCache', () => {
  it('hands the first caller a load token and the others the loaded value', async () => {
    const c = cache()
    const first = await c.get('ws', 'k')
    expect(first).toEqual({ load: expect.any(Number) })
    const waiting = [c.get('ws', 'k'), c.get('ws', 'k')]
    c.set('ws', 'k', (first as { load: number }).load, { n: 1 }, 0, 0)
    expect(await Promise.all(waiting)).toEqual([
      { hit: true, value: { n: 1 }, ttl: null, gen: 0 },
      { hit: true, value: { n: 1 }, ttl: null, gen: 0 },
    ])
    expect(await c.get('ws', 'k')).toEqual({ hit: true, value: { n: 1 }, ttl: null, gen: 0 })
    // Workspaces never share entries.
    expect(await c.get('other', 'k')).toEqual({ load: expect.any(Number) })
  })

  it('gives the turn to the next waiter when the loader fails or never answers', async () => {
    vi.useFakeTimers()
    const c = cache(1_000_000, 1_000)
    const first = (await c.get('ws', 'k')) as { load: number }
    const second = c.get('ws', 'k')
    const third = c.get('ws', 'k')
    c.release('ws', 'k', first.load)
    const next = (await second) as { load: number }
    expect(next.load).not.toBe(first.load)
    // A stale token changes nothing.
    c.set('ws', 'k', first.load, 'late', 0, 0)
    expect(c.probe('ws', 'k')).toBeNull()
    vi.advanceTimersByTime(1_000)
    const last = (await third) as { load: number }
    expect(last.load).toBeGreaterThan(next.load)
    c.set('ws', 'k', last.load, 'v', 0, 0)
    expect(c.probe('ws', 'k')).toEqual({ ttl: null, value: 'v' })
  })

  it('keeps hits for ttl and misses for negTtl, and an invalidation during a load keeps nothing', async () => {
    const c = cache()
    const a = (await c.get('ws', 'a')) as { load: number }
    c.set('ws', 'a', a.load, 'value', 60, 0)
    const b = (await c.get('ws', 'b')) as { load: number }
    c.set('ws', 'b', b.load, null, 60, 0.05)
    expect(c.probe('ws', 'a')).toEqual({ ttl: 60, value: 'value' })
    expect(c.probe('ws', 'b')).toEqual({ ttl: 1, value: null })
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(c.probe('ws', 'b')).toBeNull()
    expect(c.probe('ws', 'a')).not.toBeNull()

    const load = (await c.get('ws', 'c')) as { load: number }
    const waiter = c.get('ws', 'c')
    c.invalidate('ws', 'c')
    c.set('ws', 'c', load.load, 'before the change', 0, 0)
    expect(c.probe('ws', 'c')).toBeNull()
    expect(await waiter).toEqual({ load: expect.any(Number) })
  })

  it('counts invalidations per workspace and lists the keys an isolate missed', () => {
    const c = cache()
    expect(c.generation('ws')).toBe(0)
    c.invalidate('ws', 'a')
    c.invalidate('ws', 'b')
    c.invalidate('other', 'c')
    expect(c.generation('ws')).toBe(2)
    expect(c.dropsSince('ws', 0)).toEqual(['a', 'b'])
    expect(c.dropsSince('ws', 1)).toEqual(['b'])
    expect(c.dropsSince('ws', 2)).toEqual([])
    for (let i = 0; i < 10_000; i++) c.invalidate('ws', `k${i}`)
    // Too far behind to list: the isolate forgets its whole copy.
    expect(c.dropsSince('ws', 1)).toBe(true)
    expect(c.dropsSince('ws', c.generation('ws') - 3)).toEqual(['k9997', 'k9998', 'k9999'])
  })

  it("evicts a workspace's least recently used entries past its byte bound, and only its own", async () => {
    const c = cache(200)
    const put = async (ws: string, key: string) => {
      const { load } = (await c.get(ws, key)) as { load: number }
      c.set(ws, key, load, 'x'.repeat(40), 0, 0)
    }
    await put('quiet', 'kept')
    for (let i = 0; i < 10; i++) await put('noisy', `k${i}`)
    expect(c.size('noisy')).toBeLessThan(10)
    expect(c.probe('noisy', 'k9')).not.toBeNull()
    expect(c.probe('noisy', 'k0')).toBeNull()
    expect(c.probe('quiet', 'kept')).not.toBeNull()
    c.invalidate(null, 'kept')
    expect(c.probe('quiet', 'kept')).toBeNull()
  })
})
