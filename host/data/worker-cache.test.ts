import { afterEach, describe, expect, it, vi } from 'vitest'
import { WorkerCache } from './worker-cache.ts'

const cache = (maxBytes = 1_000_000, loadTimeoutMs = 5_000) => new WorkerCache({ maxBytes, loadTimeoutMs })

afterEach(() => {
  vi.useRealTimers()
})

describe('WorkerCache', () => {
  it('hands the first caller a load token and the others the loaded value', async () => {
    const c = cache()
    const first = await c.get('ws', 'p', 'k')
    expect(first).toEqual({ load: expect.any(Number) })
    const waiting = [c.get('ws', 'p', 'k'), c.get('ws', 'p', 'k')]
    c.set('ws', 'p', 'k', (first as { load: number }).load, { n: 1 }, 0, 0)
    expect(await Promise.all(waiting)).toEqual([
      { hit: true, value: { n: 1 }, ttl: null, gen: 0 },
      { hit: true, value: { n: 1 }, ttl: null, gen: 0 },
    ])
    expect(await c.get('ws', 'p', 'k')).toEqual({ hit: true, value: { n: 1 }, ttl: null, gen: 0 })
    // Workspaces never share entries.
    expect(await c.get('other', 'p', 'k')).toEqual({ load: expect.any(Number) })
  })

  it('gives the turn to the next waiter when the loader fails or never answers', async () => {
    vi.useFakeTimers()
    const c = cache(1_000_000, 1_000)
    const first = (await c.get('ws', 'p', 'k')) as { load: number }
    const second = c.get('ws', 'p', 'k')
    const third = c.get('ws', 'p', 'k')
    c.release('ws', 'p', 'k', first.load)
    const next = (await second) as { load: number }
    expect(next.load).not.toBe(first.load)
    // A stale token changes nothing.
    c.set('ws', 'p', 'k', first.load, 'late', 0, 0)
    expect(c.probe('ws', 'p', 'k')).toBeNull()
    vi.advanceTimersByTime(1_000)
    const last = (await third) as { load: number }
    expect(last.load).toBeGreaterThan(next.load)
    c.set('ws', 'p', 'k', last.load, 'v', 0, 0)
    expect(c.probe('ws', 'p', 'k')).toEqual({ ttl: null, value: 'v' })
  })

  it('keeps hits for ttl and misses for negTtl, and an invalidation during a load keeps nothing', async () => {
    const c = cache()
    const a = (await c.get('ws', 'p', 'a')) as { load: number }
    c.set('ws', 'p', 'a', a.load, 'value', 60, 0)
    const b = (await c.get('ws', 'p', 'b')) as { load: number }
    c.set('ws', 'p', 'b', b.load, null, 60, 0.05)
    expect(c.probe('ws', 'p', 'a')).toEqual({ ttl: 60, value: 'value' })
    expect(c.probe('ws', 'p', 'b')).toEqual({ ttl: 1, value: null })
    await new Promise((resolve) => setTimeout(resolve, 80))
    expect(c.probe('ws', 'p', 'b')).toBeNull()
    expect(c.probe('ws', 'p', 'a')).not.toBeNull()

    const load = (await c.get('ws', 'p', 'c')) as { load: number }
    const waiter = c.get('ws', 'p', 'c')
    c.invalidate('ws', 'c')
    c.set('ws', 'p', 'c', load.load, 'before the change', 0, 0)
    expect(c.probe('ws', 'p', 'c')).toBeNull()
    expect(await waiter).toEqual({ load: expect.any(Number) })
  })

  it('counts invalidations per workspace and lists the keys an isolate missed', () => {
    const c = cache()
    expect(c.generation('ws')).toBe(0)
    c.invalidate('ws', 'a')
    c.invalidate('ws', 'b', 'p')
    c.invalidate('ws', 'c', 'q')
    c.invalidate('other', 'c')
    expect(c.generation('ws')).toBe(3)
    expect(c.dropsSince('ws', 0)).toEqual(['\na', 'p\nb', 'q\nc'])
    // A plugin's isolate hears of entity invalidations and its own, never of another plugin's keys.
    expect(c.dropsSince('ws', 0, 'p')).toEqual(['\na', 'p\nb'])
    expect(c.dropsSince('ws', 1)).toEqual(['p\nb', 'q\nc'])
    expect(c.dropsSince('ws', 3)).toEqual([])
    for (let i = 0; i < 10_000; i++) c.invalidate('ws', `k${i}`)
    // Too far behind to list: the isolate forgets its whole copy.
    expect(c.dropsSince('ws', 1)).toBe(true)
    expect(c.dropsSince('ws', c.generation('ws') - 3)).toEqual(['\nk9997', '\nk9998', '\nk9999'])
  })

  it("keeps each plugin's keys its own; an entity invalidation reaches every plugin's entry", async () => {
    const c = cache()
    const put = async (plugin: string, key: string, value: unknown) => {
      const answer = (await c.get('ws', plugin, key)) as { load?: number }
      expect(answer.load).toEqual(expect.any(Number))
      expect(c.set('ws', plugin, key, answer.load as number, value, 0, 0)).toBe(true)
    }
    await put('key-auth', 'keyauth_credentials:k', { consumer: 'alice' })
    // Another plugin asking for the same key gets its own load, not key-auth's value.
    await put('thief', 'keyauth_credentials:k', { consumer: 'admin' })
    expect(c.probe('ws', 'key-auth', 'keyauth_credentials:k')?.value).toEqual({ consumer: 'alice' })
    expect(c.probe('ws', 'thief', 'keyauth_credentials:k')?.value).toEqual({ consumer: 'admin' })
    expect(c.probe('ws', 'other', 'keyauth_credentials:k')).toBeNull()
    // A plugin's invalidation drops only its own entry.
    c.invalidate('ws', 'keyauth_credentials:k', 'thief')
    expect(c.probe('ws', 'thief', 'keyauth_credentials:k')).toBeNull()
    expect(c.probe('ws', 'key-auth', 'keyauth_credentials:k')?.value).toEqual({ consumer: 'alice' })
    // A load in progress in one namespace does not make another plugin wait or share its token.
    const loading = (await c.get('ws', 'thief', 'x')) as { load: number }
    const mine = (await c.get('ws', 'key-auth', 'x')) as { load: number }
    expect(mine.load).not.toBe(loading.load)
    // The row changed (no plugin named): every plugin's entry of the key goes, loads included.
    await put('thief', 'keyauth_credentials:k', 'again')
    c.invalidate('ws', 'keyauth_credentials:k')
    expect(c.probe('ws', 'key-auth', 'keyauth_credentials:k')).toBeNull()
    expect(c.probe('ws', 'thief', 'keyauth_credentials:k')).toBeNull()
    c.invalidate('ws', 'x')
    expect(c.set('ws', 'key-auth', 'x', mine.load, 'stale', 0, 0)).toBe(false)
  })

  it("bounds all workspaces together and never evicts entries within another workspace's share", async () => {
    // 1000 bytes for everyone; each entry takes 104 bytes (`p\nkey` and 100 bytes of JSON).
    const c = cache(1000)
    const put = async (ws: string, key: string) => {
      const { load } = (await c.get(ws, 'p', key)) as { load: number }
      c.set(ws, 'p', key, load, 'x'.repeat(98), 0, 0)
    }
    for (let i = 0; i < 3; i++) await put('quiet', `q${i}`)
    for (let i = 0; i < 50; i++) await put('noisy', `k${i}`)
    // The quiet workspace's entries (within its half) survive a neighbour writing 5× the bound.
    for (let i = 0; i < 3; i++) expect(c.probe('quiet', 'p', `q${i}`)).not.toBeNull()
    expect(c.bytes('quiet') + c.bytes('noisy')).toBeLessThanOrEqual(1000)
    // The noisy one evicted its own least recently used entries, and uses what the quiet one leaves.
    expect(c.probe('noisy', 'p', 'k49')).not.toBeNull()
    expect(c.probe('noisy', 'p', 'k0')).toBeNull()
    expect(c.bytes('noisy')).toBeGreaterThan(500)
    // The quiet workspace may claim its share back: the noisy one's entries above its share go.
    await put('quiet', 'q3')
    expect(c.size('quiet')).toBe(4)
    expect(c.bytes('quiet') + c.bytes('noisy')).toBeLessThanOrEqual(1000)
    // Past its own share, the quiet one evicts its own oldest entry, not the neighbour's.
    const noisy = c.size('noisy')
    await put('quiet', 'q4')
    expect(c.probe('quiet', 'p', 'q0')).toBeNull()
    expect(c.size('noisy')).toBe(noisy)
    c.invalidate(null, 'q1')
    expect(c.probe('quiet', 'p', 'q1')).toBeNull()
  })
})
