import { Pool } from 'undici'

/** What decides which pool a request uses. */
export interface PoolTarget {
  /** `http://host:port` or `https://host:port` (IPv6 hosts bracketed). */
  origin: string
  connectTimeout: number
  /** Verify the upstream's TLS certificate (service `tls_verify`; Kong's default is off). */
  tlsVerify: boolean
}

/** A pool and its use count; borrowed by `acquire`, handed back with `release`. */
export interface PoolLease {
  readonly pool: Pool
  inflight: number
  lastUsed: number
}

const SWEEP_EVERY_MS = 30_000
/** A pool unused this long is closed, so pools of removed services do not live forever. */
const IDLE_CLOSE_MS = 120_000
/** Kong's upstream_keepalive_idle_timeout default. */
const KEEPALIVE_TIMEOUT_MS = 60_000

/**
 * One undici Pool per upstream origin (and connect settings), created on first use and reused.
 * A sweep closes pools that have been idle for a while.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, PoolLease>()
  private readonly sweeper: NodeJS.Timeout

  constructor(private readonly connections: number) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_EVERY_MS)
    this.sweeper.unref()
  }

  /** Borrows the pool for one request; hand it back with `release` once the request is over. */
  acquire(target: PoolTarget): PoolLease {
    const key = `${target.origin}|${target.connectTimeout}|${target.tlsVerify ? 1 : 0}`
    let lease = this.pools.get(key)
    if (!lease) {
      lease = { pool: this.create(target), inflight: 0, lastUsed: 0 }
      this.pools.set(key, lease)
    }
    lease.inflight++
    return lease
  }

  release(lease: PoolLease): void {
    lease.inflight--
    lease.lastUsed = Date.now()
  }

  /** Keep-alive on unless the pool size is 0 (then each request closes its connection). */
  get keepAlive(): boolean {
    return this.connections > 0
  }

  get size(): number {
    return this.pools.size
  }

  sweep(now: number, idleMs = IDLE_CLOSE_MS): void {
    for (const [key, entry] of this.pools) {
      if (entry.inflight === 0 && now - entry.lastUsed >= idleMs) {
        this.pools.delete(key)
        entry.pool.close().catch(() => entry.pool.destroy())
      }
    }
  }

  /** Closes every pool: gracefully, then by force after `graceMs`. */
  async closeAll(graceMs: number): Promise<void> {
    clearInterval(this.sweeper)
    const pools = [...this.pools.values()].map((entry) => entry.pool)
    this.pools.clear()
    const force = setTimeout(() => {
      for (const pool of pools) pool.destroy().catch(() => {})
    }, graceMs)
    await Promise.allSettled(pools.map((pool) => pool.close()))
    clearTimeout(force)
  }

  private create(target: PoolTarget): Pool {
    return new Pool(target.origin, {
      connections: this.connections > 0 ? this.connections : null,
      pipelining: this.connections > 0 ? 1 : 0,
      keepAliveTimeout: KEEPALIVE_TIMEOUT_MS,
      connect: { timeout: target.connectTimeout, rejectUnauthorized: target.tlsVerify },
      // Timeouts are per request (service read_timeout); these are only fallbacks.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      strictContentLength: true,
    })
  }
}
