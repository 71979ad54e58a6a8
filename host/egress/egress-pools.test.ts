import { createSocket, type Socket } from 'node:dgram'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DnsServer, startDnsServer } from '../../test/helpers/index.ts'
import { DEFAULT_EGRESS_DENY } from '../config/index.ts'
import { type EchoServer, startEchoServer } from '../echo/index.ts'
import { EgressPolicy } from './egress-policy.ts'
import { EGRESS_LIMITS, EgressPools, type EgressTarget } from './egress-pools.ts'
import { EgressResolver } from './egress-resolver.ts'

const DENY = DEFAULT_EGRESS_DENY.split(',')

describe('EgressPools', () => {
  let echo: EchoServer
  let dns: DnsServer
  /** A nameserver that never answers: lookups stay in flight. */
  let silent: Socket
  const pools: EgressPools[] = []

  const make = (allow: string[], server: string, limits = EGRESS_LIMITS) => {
    const policy = new EgressPolicy({ deny: DENY, allow, resolvers: [server] })
    const made = new EgressPools(policy, new EgressResolver([server]), 4, limits)
    pools.push(made)
    return made
  }
  const target = (host: string, workspace = 'ws-a'): EgressTarget => ({
    workspace,
    host,
    port: echo.port,
    protocol: 'http',
    connectTimeout: 5000,
    tlsVerify: false,
  })
  const silentServer = () => `127.0.0.1:${silent.address().port}`

  beforeAll(async () => {
    echo = await startEchoServer()
    dns = await startDnsServer({ 'echo.test': ['127.0.0.1'], 'meta.test': ['169.254.169.254', '127.0.0.1'] })
    silent = createSocket('udp4')
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()))
  })
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.closeAll(100)))
    await dns.close()
    await echo.close()
    silent.close()
  })

  it('resolves a name once per connection with the configured nameserver and connects to the checked address', async () => {
    const egress = make(['127.0.0.0/8'], dns.address)
    let connections = 0
    echo.server.on('connection', () => connections++)
    const lease = egress.acquire(target('echo.test'))
    for (const path of ['/one', '/two']) {
      const answer = await lease.pool.request({ method: 'GET', path })
      expect(answer.statusCode).toBe(200)
      expect(((await answer.body.json()) as { path: string }).path).toBe(path)
    }
    // One lookup per connection the pool opened, never one per request or a second one per connection.
    expect(connections).toBeGreaterThan(0)
    expect(dns.queries.filter((q) => q === 'echo.test A')).toHaveLength(connections)
  })

  it('refuses an address the policy denies, for a name as for a literal', async () => {
    const egress = make([], dns.address)
    for (const host of ['echo.test', '127.0.0.1', 'meta.test']) {
      const refused = egress.acquire(target(host)).pool.request({ method: 'GET', path: '/' })
      await expect(refused).rejects.toMatchObject({ code: 'egress_denied', target: `${host}:${echo.port}` })
    }
  })

  it('caps lookups in flight per workspace, not across workspaces', async () => {
    const egress = make([], silentServer(), { ...EGRESS_LIMITS, lookups: 1 })
    const first = egress.acquire(target('slow-1.test')).pool.request({ method: 'GET', path: '/' })
    first.catch(() => {})
    const second = egress.acquire(target('slow-2.test')).pool.request({ method: 'GET', path: '/' })
    await expect(second).rejects.toMatchObject({ code: 'egress_busy' })
    // Another workspace's lookup is not refused for ws-a's: it is still waiting on the silent server.
    const other = egress.acquire(target('slow-3.test', 'ws-b')).pool.request({ method: 'GET', path: '/' })
    const settled = await Promise.race([
      other.then(
        () => 'answered',
        (e) => e.code,
      ),
      Promise.resolve('pending'),
    ])
    expect(settled).toBe('pending')
    other.catch(() => {})
  })

  it('caps pools per workspace, evicting an idle one first', () => {
    const egress = make(['127.0.0.0/8'], dns.address, { ...EGRESS_LIMITS, pools: 1 })
    const held = egress.acquire(target('echo.test'))
    expect(() => egress.acquire(target('127.0.0.1'))).toThrow(
      expect.objectContaining({ code: 'egress_busy' }),
    )
    expect(egress.acquire(target('127.0.0.1', 'ws-b')).pool).toBeDefined()
    held.inflight--
    expect(egress.acquire(target('127.0.0.1')).pool).not.toBe(held.pool)
  })
})
