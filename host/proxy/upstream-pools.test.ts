import { afterEach, describe, expect, it } from 'vitest'
import { UpstreamPools } from './upstream-pools.ts'

const target = (origin: string) => ({ origin, connectTimeout: 1000, tlsVerify: false })

let pools: UpstreamPools
afterEach(() => pools.closeAll(1000))

describe('UpstreamPools', () => {
  it('reuses one pool per origin and connect settings', () => {
    pools = new UpstreamPools(8)
    const a = pools.acquire(target('http://127.0.0.1:1'))
    const b = pools.acquire(target('http://127.0.0.1:1'))
    const c = pools.acquire({ ...target('http://127.0.0.1:1'), connectTimeout: 5 })
    expect(a.pool).toBe(b.pool)
    expect(c.pool).not.toBe(a.pool)
    expect(pools.size).toBe(2)
  })

  it('closes pools idle for long enough, never one in use', () => {
    pools = new UpstreamPools(8)
    const busy = pools.acquire(target('http://127.0.0.1:1'))
    const idle = pools.acquire(target('http://127.0.0.1:2'))
    pools.release(idle)
    pools.sweep(Date.now() + 1, 0)
    expect(pools.size).toBe(1)
    pools.release(busy)
    pools.sweep(Date.now() + 1, 0)
    expect(pools.size).toBe(0)
    // A request after the sweep gets a fresh pool.
    expect(pools.acquire(target('http://127.0.0.1:2')).pool).not.toBe(idle.pool)
  })

  it('turns keep-alive off with a pool size of 0', () => {
    pools = new UpstreamPools(0)
    expect(pools.keepAlive).toBe(false)
  })
})
