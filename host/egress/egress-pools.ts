import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { type buildConnector, Pool } from 'undici'
import { EgressError } from './egress-error.ts'
import type { EgressPolicy } from './egress-policy.ts'
import type { EgressResolver } from './egress-resolver.ts'
import { type IpAddress, ipText, parseIp } from './ip-address.ts'

/** A connection a plugin asked for (today a `kong.service.setTarget` target). */
export interface EgressTarget {
  /** Whose caps it counts against. */
  workspace: string
  /** A lower-case name, a canonical IPv4 literal or a bracketed IPv6 one. */
  host: string
  port: number
  protocol: 'http' | 'https'
  connectTimeout: number
  tlsVerify: boolean
}

/** Per workspace: lookups in flight, open sockets, pools (origins) kept. */
export interface EgressLimits {
  lookups: number
  sockets: number
  pools: number
}

export const EGRESS_LIMITS: EgressLimits = { lookups: 8, sockets: 64, pools: 32 }

/** Same shape as the proxy's pool leases: borrowed per request, handed back when it ends. */
export interface EgressLease {
  readonly pool: Pool
  inflight: number
  lastUsed: number
}

interface WorkspaceEgress {
  lookups: number
  sockets: number
  pools: Map<string, EgressLease>
}

const SWEEP_EVERY_MS = 30_000
const IDLE_CLOSE_MS = 60_000
const KEEPALIVE_TIMEOUT_MS = 60_000

function timeoutError(target: string): Error {
  return Object.assign(new Error(`connecting to ${target} timed out`), { code: 'UND_ERR_CONNECT_TIMEOUT' })
}

/**
 * The dispatcher of plugin-caused connections, apart from the operators' pools (which nobody
 * checks) and apart per workspace (no socket one tenant's plugin opened serves another's). Each
 * new connection resolves its name once with c-ares, checks every candidate address against the
 * policy, connects to the exact address it checked (TLS gets the name as `servername`) and checks
 * the socket's remote address again before undici writes the first byte: no second lookup, so
 * no DNS rebinding between check and use.
 */
export class EgressPools {
  private readonly workspaces = new Map<string, WorkspaceEgress>()
  private readonly sweeper: NodeJS.Timeout

  constructor(
    private readonly policy: EgressPolicy,
    private readonly resolver: EgressResolver,
    private readonly connections: number,
    private readonly limits: EgressLimits = EGRESS_LIMITS,
  ) {
    this.sweeper = setInterval(() => this.sweep(Date.now()), SWEEP_EVERY_MS)
    this.sweeper.unref()
  }

  /** Borrows the pool of `target`; throws EgressError when the workspace has its cap of pools in use. */
  acquire(target: EgressTarget): EgressLease {
    const ws = this.workspace(target.workspace)
    const key = `${target.protocol}://${target.host}:${target.port}|${target.connectTimeout}|${target.tlsVerify ? 1 : 0}`
    let lease = ws.pools.get(key)
    if (lease === undefined) {
      if (ws.pools.size >= this.limits.pools) this.evictIdle(ws)
      if (ws.pools.size >= this.limits.pools) {
        throw new EgressError('egress_busy', `${target.host}:${target.port}`, 'too many egress pools in use')
      }
      lease = { pool: this.create(ws, target), inflight: 0, lastUsed: 0 }
      ws.pools.set(key, lease)
    }
    lease.inflight++
    return lease
  }

  sweep(now: number, idleMs = IDLE_CLOSE_MS): void {
    for (const [id, ws] of this.workspaces) {
      for (const [key, lease] of ws.pools) {
        if (lease.inflight === 0 && now - lease.lastUsed >= idleMs) {
          ws.pools.delete(key)
          lease.pool.close().catch(() => lease.pool.destroy())
        }
      }
      if (ws.pools.size === 0 && ws.sockets === 0 && ws.lookups === 0) this.workspaces.delete(id)
    }
  }

  async closeAll(graceMs: number): Promise<void> {
    clearInterval(this.sweeper)
    this.resolver.cancel()
    const pools = [...this.workspaces.values()].flatMap((ws) => [...ws.pools.values()].map((l) => l.pool))
    this.workspaces.clear()
    const force = setTimeout(() => {
      for (const pool of pools) pool.destroy().catch(() => {})
    }, graceMs)
    await Promise.allSettled(pools.map((pool) => pool.close()))
    clearTimeout(force)
  }

  private workspace(id: string): WorkspaceEgress {
    let ws = this.workspaces.get(id)
    if (ws === undefined) {
      ws = { lookups: 0, sockets: 0, pools: new Map() }
      this.workspaces.set(id, ws)
    }
    return ws
  }

  private evictIdle(ws: WorkspaceEgress): void {
    for (const [key, lease] of ws.pools) {
      if (lease.inflight > 0) continue
      ws.pools.delete(key)
      lease.pool.close().catch(() => lease.pool.destroy())
      return
    }
  }

  private create(ws: WorkspaceEgress, target: EgressTarget): Pool {
    return new Pool(`${target.protocol}://${target.host}:${target.port}`, {
      connections: Math.min(
        this.connections > 0 ? this.connections : this.limits.sockets,
        this.limits.sockets,
      ),
      pipelining: this.connections > 0 ? 1 : 0,
      keepAliveTimeout: KEEPALIVE_TIMEOUT_MS,
      connect: (_options, callback) => this.connect(ws, target, callback),
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
      strictContentLength: true,
    })
  }

  /** undici's connector for one new socket of `target`. */
  private connect(ws: WorkspaceEgress, target: EgressTarget, callback: buildConnector.Callback): void {
    const label = `${target.host}:${target.port}`
    if (ws.sockets >= this.limits.sockets) {
      callback(new EgressError('egress_busy', label, 'too many egress connections open'), null)
      return
    }
    ws.sockets++
    let counted = true
    const uncount = () => {
      if (counted) ws.sockets--
      counted = false
    }
    let settled = false
    const done = (error: Error | null, socket?: Socket) => {
      if (settled) return
      settled = true
      if (error !== null) {
        uncount()
        callback(error, null)
      } else callback(null, socket as Socket)
    }
    const literal = parseIp(target.host)
    if (literal === false) {
      done(new EgressError('egress_denied', label, `${label} is not a valid address`))
      return
    }
    const name = literal === null ? target.host : null
    this.address(ws, target, literal, label)
      .then((address) => this.dial(address, target, name, label, done, uncount))
      .catch((error: Error) => done(error))
  }

  /**
   * Connects to exactly `address` and checks the socket's remote address again before handing it
   * to undici (TLS gets `name` as servername); `done` once, `uncount` when the socket closes.
   */
  private dial(
    address: IpAddress,
    target: EgressTarget,
    name: string | null,
    label: string,
    done: (error: Error | null, socket?: Socket) => void,
    uncount: () => void,
  ): void {
    const socket = netConnect({ host: ipText(address), port: target.port, noDelay: true })
    socket.once('close', uncount)
    const timer = setTimeout(() => {
      socket.destroy()
      done(timeoutError(label))
    }, target.connectTimeout)
    const finish = (error: Error | null, connected?: Socket) => {
      clearTimeout(timer)
      done(error, connected)
    }
    socket.once('error', finish)
    socket.once('connect', () => {
      const remote = parseIp(socket.remoteAddress ?? '')
      const why = remote ? this.policy.refusal(remote, socket.remotePort ?? 0, name) : 'has no address'
      if (why !== null) {
        socket.destroy()
        finish(new EgressError('egress_denied', label, `${label} ${why}`))
        return
      }
      if (target.protocol === 'http') {
        finish(null, socket)
        return
      }
      const tls = tlsConnect({
        socket,
        ...(name !== null ? { servername: name } : {}),
        rejectUnauthorized: target.tlsVerify,
        ALPNProtocols: ['http/1.1'],
      })
      tls.once('error', finish)
      tls.once('secureConnect', () => finish(null, tls))
    })
  }

  /** The one address to connect to: the literal, or the first resolved address the policy allows. */
  private async address(
    ws: WorkspaceEgress,
    target: EgressTarget,
    literal: IpAddress | null,
    label: string,
  ): Promise<IpAddress> {
    const port = target.port
    if (literal !== null) {
      const why = this.policy.refusal(literal, port, null)
      if (why !== null) throw new EgressError('egress_denied', label, `${label} ${why}`)
      return literal
    }
    if (ws.lookups >= this.limits.lookups) {
      throw new EgressError('egress_busy', label, 'too many egress name lookups in flight')
    }
    ws.lookups++
    let addresses: IpAddress[]
    try {
      addresses = await this.resolver.resolve(target.host)
    } finally {
      ws.lookups--
    }
    let first: string | null = null
    for (const address of addresses) {
      const why = this.policy.refusal(address, port, target.host)
      if (why === null) return address
      first ??= `${label} resolves to ${ipText(address)}, which ${why}`
    }
    throw new EgressError('egress_denied', label, first ?? `${label} has no address`)
  }
}
