import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import {
  type DnsServer,
  FIXTURE_PLUGINS,
  startDnsServer,
  startTestGateway,
  type TestGateway,
} from '../helpers/index.ts'

/** Every way of naming 127.0.0.1 a resolver accepts, and a name a loopback DNS server maps to it. */
const LOOPBACK_SPELLINGS = [
  '127.0.0.1',
  'localhost',
  '127.1',
  '0x7f000001',
  '2130706433',
  '0177.0.0.1',
  '0.0.0.0',
  '::ffff:127.0.0.1',
  '[::1]',
  'evil.test',
]

const LISTENERS = ['admin', 'status', 'proxy'] as const
type Listener = (typeof LISTENERS)[number]

const portOf = (url: string) => Number(new URL(url).port)
const ok = (status: number) => expect(status).toBeLessThan(300)

/** A route `/<name>` of workspace `ws`'s service `svc` whose set-target plugin has `config`. */
async function targetRoute(gw: TestGateway, ws: string, name: string, config: Record<string, unknown>) {
  ok((await gw.admin('POST', `/${ws}/services/svc/routes`, { name, paths: [`/${name}`] })).status)
  ok((await gw.admin('POST', `/${ws}/routes/${name}/plugins`, { name: 'set-target', config })).status)
}

/** A gateway with an operator service on the loopback echo and another workspace answering 200. */
async function egressGateway(echo: EchoServer, dns: DnsServer, overrides: Record<string, string> = {}) {
  const gw = await startTestGateway(
    {
      plugins: 'set-target,tagger',
      plugin_paths: FIXTURE_PLUGINS,
      dns_resolver: dns.address,
      // Not a test of limits: a busy machine's first call into a fresh isolate must not hit one.
      plugin_cpu_ms: 5000,
      ...overrides,
    },
    { captureLogs: true },
  )
  ok((await gw.admin('POST', '/services', { name: 'svc', url: echo.url })).status)
  ok((await gw.admin('POST', '/services/svc/routes', { name: 'plain', paths: ['/plain'] })).status)
  for (const ws of ['team-b', 'other']) ok((await gw.admin('POST', '/workspaces', { name: ws })).status)
  ok((await gw.admin('POST', '/other/services', { name: 'svc', url: echo.url })).status)
  ok((await gw.admin('POST', '/other/services/svc/routes', { paths: ['/other'] })).status)
  ok((await gw.admin('POST', '/other/plugins', { name: 'tagger', config: { value: 'other' } })).status)
  return gw
}

function portsOf(gw: TestGateway): Record<Listener, number> {
  return { admin: portOf(gw.adminUrl), status: portOf(gw.statusUrl), proxy: portOf(gw.proxyUrl) }
}

describe('plugin egress policy', () => {
  let echo: EchoServer
  let dns: DnsServer
  /** Default lists. */
  let closed: TestGateway
  /** plugin_egress_allow = loopback. */
  let open: TestGateway
  const cases: { gw: () => TestGateway; route: string; host: string; listener: Listener }[] = []

  beforeAll(async () => {
    echo = await startEchoServer()
    dns = await startDnsServer({ 'evil.test': ['127.0.0.1'], 'echo.test': ['127.0.0.1'] })
    closed = await egressGateway(echo, dns)
    open = await egressGateway(echo, dns, { plugin_egress_allow: '127.0.0.0/8,::1' })
    for (const [label, gw] of [
      ['closed', closed],
      ['open', open],
    ] as const) {
      const ports = portsOf(gw)
      for (const listener of LISTENERS) {
        for (const [i, host] of LOOPBACK_SPELLINGS.entries()) {
          const route = `${listener}-${i}`
          // The admin target tries to create a consumer in another workspace, as the attack did.
          const attack = listener === 'admin' ? { path: '/team-b/consumers', method: 'POST' } : {}
          const body = listener === 'admin' ? { body: JSON.stringify({ username: `pwned-${route}` }) } : {}
          await targetRoute(gw, 'default', route, { host, port: ports[listener], ...attack, ...body })
          cases.push({ gw: () => (label === 'closed' ? closed : open), route, host, listener })
        }
      }
    }
    await targetRoute(closed, 'default', 'caught', { host: '0x7f.1', port: echo.port, catch: true })
    await targetRoute(closed, 'default', 'echo-denied', { host: '127.0.0.1', port: echo.port, path: '/x' })
    await targetRoute(open, 'default', 'echo-literal', {
      host: '127.1',
      port: echo.port,
      path: '/by-literal',
    })
    await targetRoute(open, 'default', 'echo-name', { host: 'echo.test', port: echo.port, path: '/by-name' })
  }, 120_000)

  afterAll(async () => {
    await closed?.stop()
    await open?.stop()
    await dns?.close()
    await echo?.close()
  })

  const get = (gw: TestGateway, path: string, headers: Record<string, string> = {}) =>
    fetch(`${gw.proxyUrl}${path}`, { headers })
  const linesFor = (gw: TestGateway, requestId: string | null) =>
    gw.logs.filter((line) => line.request_id === requestId && line.level === 'error')

  async function otherWorkspaceAnswers(gw: TestGateway) {
    const other = await get(gw, '/other/x')
    expect(other.status).toBe(200)
    expect(other.headers.get('x-tagger-seen')).toBe('other')
  }

  /** 500, and exactly one error line: `plugin failed`, egress_denied, with workspace, plugin and target. */
  async function expectDenied(gw: TestGateway, route: string, port: number) {
    const answer = await get(gw, `/${route}`)
    const lines = linesFor(gw, answer.headers.get('x-isogate-request-id'))
    // The route and lines go with the status, so a failure says which spelling went where.
    expect({ route, status: answer.status, lines }).toMatchObject({ status: 500, lines: [{}] })
    expect(await answer.json()).toEqual({ message: 'An unexpected error occurred' })
    expect(lines[0]).toMatchObject({
      msg: 'plugin failed',
      reason: 'egress_denied',
      workspace: 'default',
      plugin: 'set-target',
      phase: 'access',
    })
    expect(String(lines[0]?.target)).toMatch(new RegExp(`:${port}$`))
  }

  it('refuses every listener by every loopback spelling with the default lists', async () => {
    const ports = portsOf(closed)
    for (const c of cases.filter((entry) => entry.gw() === closed)) {
      await expectDenied(closed, c.route, ports[c.listener])
    }
    await otherWorkspaceAnswers(closed)
    // The name went to the configured DNS server (c-ares), not to getaddrinfo.
    expect(dns.queries).toContain('evil.test A')
  }, 60_000)

  it('still refuses the listeners when plugin_egress_allow opens loopback', async () => {
    const ports = portsOf(open)
    for (const c of cases.filter((entry) => entry.gw() === open)) {
      await expectDenied(open, c.route, ports[c.listener])
    }
    await otherWorkspaceAnswers(open)
  }, 60_000)

  it('never reached the Admin API: no consumer was created in another workspace', async () => {
    for (const gw of [closed, open]) {
      const consumers = await gw.admin('GET', '/team-b/consumers')
      expect(consumers.status).toBe(200)
      expect(consumers.body.data).toEqual([])
    }
  })

  it('refuses an IP literal at setTarget with an error the plugin can catch', async () => {
    const answer = await get(closed, '/caught')
    expect(answer.status).toBe(403)
    const { caught } = (await answer.json()) as { caught: string }
    expect(caught).toBe(
      `kong.service.setTarget: 127.0.0.1:${echo.port} is in plugin_egress_deny (egress_denied)`,
    )
    expect(linesFor(closed, answer.headers.get('x-isogate-request-id'))).toEqual([])
  })

  it('refuses a loopback upstream to plugins by default, and reaches it once allowed', async () => {
    await expectDenied(closed, 'echo-denied', echo.port)
    for (const [route, path] of [
      ['echo-literal', '/by-literal'],
      ['echo-name', '/by-name'],
    ]) {
      const answer = await get(open, `/${route}`)
      expect(answer.status).toBe(200)
      expect(((await answer.json()) as EchoReply).path).toBe(path)
    }
    expect(dns.queries).toContain('echo.test A')
    await otherWorkspaceAnswers(open)
  })

  it('lets operator services point at loopback (not subject to the lists)', async () => {
    const answer = await get(closed, '/plain/a')
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as EchoReply).path).toBe('/a')
  })

  it('names services that point at this host in a warning at start', async () => {
    const file = join(closed.prefix, 'kong.json')
    const services = [
      { name: 'admin-loopback', url: 'http://127.0.0.1:8001' },
      { name: 'local-name', url: 'http://localhost:9000' },
      { name: 'elsewhere', url: 'http://example.com' },
    ]
    writeFileSync(file, JSON.stringify({ _format_version: '3.0', services }))
    const gw = await startTestGateway({ database: 'off', declarative_config: file }, { captureLogs: true })
    try {
      const warned = gw.logs.filter((line) => String(line.msg).startsWith('service points at this host'))
      expect(warned.map((line) => line.service).sort()).toEqual(['admin-loopback', 'local-name'])
    } finally {
      await gw.stop()
    }
  })

  it("refuses a service aimed at the node's own proxy port", async () => {
    const port = portOf(closed.proxyUrl)
    ok((await closed.admin('POST', '/services', { name: 'self', url: `http://127.0.0.1:${port}` })).status)
    ok((await closed.admin('POST', '/services/self/routes', { name: 'self', paths: ['/self'] })).status)
    const answer = await get(closed, '/self')
    expect(answer.status).toBe(508)
    expect(await answer.json()).toEqual({ message: 'Loop detected' })
    await otherWorkspaceAnswers(closed)
  })

  it('refuses a request whose Via already names this node, not one that passed another isogate node', async () => {
    const seen = (await (await get(closed, '/plain/via')).json()) as EchoReply
    const ours = String(seen.headers.via)
    expect(ours).toMatch(/^1\.1 isogate-[0-9a-f]{8}\/\d+\.\d+\.\d+/)
    const looped = await get(closed, '/plain/again', { via: `1.0 edge, ${ours}` })
    expect(looped.status).toBe(508)
    const lines = linesFor(closed, looped.headers.get('x-isogate-request-id'))
    expect(lines.map((line) => line.msg)).toEqual(['request loop refused'])
    // The other gateway is another node: its Via is not this one's.
    const viaOpen = String(((await (await get(open, '/plain/via')).json()) as EchoReply).headers.via)
    expect(viaOpen).not.toBe(ours)
    expect((await get(closed, '/plain/again', { via: viaOpen })).status).toBe(200)
    await otherWorkspaceAnswers(closed)
  })
})
