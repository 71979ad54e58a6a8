import { buildConnector, Pool } from 'undici'
import { type EgressPools, type EgressTarget, isOwnProxy, ProxyLoopError, parseIp } from '../egress/index.ts'

/** What decides which pool a request uses. */
export interface PoolTarget {
  /** `http://host:port` or `https://host:port` (IPv6 hosts bracketed). */
  origin: string
  connectTimeout: number
  /** Verify the upstream's TLS certificate (service `tls_verify`; Kong's default is off). */
  tlsVerify: boolean
  /** A plugin chose this target (setTarget): it goes through the egress dispatcher, never these pools. */
  egress?: PluginEgress
}

/** Who caused a plugin-chosen connection, for the egress caps and the failure line. */
export interface PluginEgress {
  target: EgressTarget
  /** Workspace name and plugin, as `plugin failed` lines name them. */
  workspace: string
  plugin: string
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

  constructor(
    private readonly connections: number,
    private readonly egress: EgressPools | null = null,
  ) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_EVERY_MS)
    this.sweeper.unref()
  }

  /**
   * Borrows the pool for one request; hand it back with `release` once the request is over.
   * Throws EgressError when a plugin's workspace is at its cap of egress pools.
   */
  acquire(target: PoolTarget): PoolLease {
    if (target.egress !== undefined) {
      if (this.egress === null) throw new Error('plugin targets need an egress dispatcher')
      return this.egress.acquire(target.egress.target)
    }
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
    const egress = this.egress?.closeAll(graceMs)
    const pools = [...this.pools.values()].map((entry) => entry.pool)
    this.pools.clear()
    const force = setTimeout(() => {
      for (const pool of pools) pool.destroy().catch(() => {})
    }, graceMs)
    await Promise.allSettled(pools.map((pool) => pool.close()))
    clearTimeout(force)
    await egress
  }

  private create(target: PoolTarget): Pool {
    const connector = buildConnector({ timeout: target.connectTimeout, rejectUnauthorized: target.tlsVerify })
    return new Pool(target.origin, {
      connections: this.connections > 0 ? this.connections : null,
      pipelining: this.connections > 0 ? 1 : 0,
      keepAliveTimeout: KEEPALIVE_TIMEOUT_MS,
      // A service may target anything but this node's own proxy port (a loop), on any local address.
      connect: (options, callback) =>
        connector(options, (error, socket) => {
          if (error !== null) return callback(error, null)
          const remote = parseIp(socket.remoteAddress ?? '')
          if (remote && isOwnProxy(remote, socket.remotePort ?? 0)) {
            socket.destroy()
            return callback(new ProxyLoopError(`${socket.remoteAddress}:${socket.remotePort}`), null)
          }
          callback(null, socket)
        }),
      // Timeouts are per request (service read_timeout); these are only fallbacks.
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      strictContentLength: true,
    })
  }
}
