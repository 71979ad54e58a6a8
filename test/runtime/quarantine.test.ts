import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/**
 * Quarantine through a real gateway: a plugin that hits its CPU limit `plugin_strikes` times is
 * quarantined; its requests answer 503 at once without running it (no new CPU failure, no isolate
 * rebuild), one `quarantined` line is logged, /status and /metrics list it, other workspaces keep
 * answering, a configuration PATCH does not lift it, and it ends by itself.
 */
async function setUp(upstream: EchoServer, quarantineSeconds: number) {
  const gw = await startTestGateway(
    {
      plugins: 'hostile,tagger',
      plugin_paths: FIXTURE_PLUGINS,
      plugin_cpu_ms: 50,
      plugin_wall_ms: 1000,
      plugin_strikes: 2,
      plugin_strike_window: 600,
      plugin_quarantine: quarantineSeconds,
    },
    { captureLogs: true },
  )
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await gw.admin(method, path, body)
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300)
    return answer.body
  }
  await ok('POST', '/services', { name: 'svc', url: upstream.url })
  await ok('POST', '/services/svc/routes', { name: 'loop', paths: ['/loop'] })
  const plugin = await ok('POST', '/routes/loop/plugins', { name: 'hostile', config: { mode: 'loop' } })
  await ok('POST', '/services/svc/routes', { name: 'healthy', paths: ['/healthy'] })
  await ok('POST', '/workspaces', { name: 'other' })
  await ok('POST', '/other/services', { name: 'svc', url: upstream.url })
  await ok('POST', '/other/services/svc/routes', { paths: ['/other'] })
  await ok('POST', '/other/plugins', { name: 'tagger', config: { value: 'other' } })
  return { gw, ok, pluginId: plugin.id as string }
}

const failures = (gw: TestGateway, reason: string) =>
  gw.logs.filter((line) => line.msg === 'plugin failed' && line.reason === reason)

describe('plugin quarantine', () => {
  let upstream: EchoServer
  beforeAll(async () => {
    upstream = await startEchoServer()
  })
  afterAll(async () => {
    await upstream?.close()
  })

  describe('while it lasts', () => {
    let env: Awaited<ReturnType<typeof setUp>>
    beforeAll(async () => {
      env = await setUp(upstream, 600)
    })
    afterAll(() => env?.gw.stop())

    it('answers 503 without running the plugin, logs once, lists it, and serves the others', async () => {
      const { gw, ok, pluginId } = env
      const get = (path: string) => fetch(`${gw.proxyUrl}${path}`)
      const builds = async () =>
        ((await (await fetch(`${gw.statusUrl}/status`)).json()) as any).plugins.isolate_builds[0].count
      for (let i = 0; i < 2; i++) expect((await get('/loop')).status).toBe(503)
      expect(failures(gw, 'cpu_limit')).toHaveLength(2)
      expect(gw.logs.filter((l) => l.msg === 'plugin quarantined')).toMatchObject([
        { workspace: 'default', plugin: 'hostile', reason: 'cpu_limit', seconds: 600 },
      ])
      // The third request is refused at once: no CPU failure, no isolate rebuilt for it.
      const built = await builds()
      for (let i = 0; i < 3; i++) {
        const answer = await get('/loop')
        expect(answer.status).toBe(503)
        expect(await answer.json()).toEqual({ message: 'The upstream server is currently unavailable' })
      }
      expect(failures(gw, 'cpu_limit')).toHaveLength(2)
      expect(await builds()).toBe(built)
      expect(failures(gw, 'quarantined')).toMatchObject([
        { workspace: 'default', plugin: 'hostile', phase: 'access', count: 1 },
      ])
      // Listed on /status and in /metrics.
      const status = (await (await fetch(`${gw.statusUrl}/status`)).json()) as any
      expect(status.plugins.quarantined).toMatchObject([{ workspace: 'default', plugin: 'hostile' }])
      const metrics = await (await fetch(`${gw.statusUrl}/metrics`)).text()
      expect(metrics).toContain('isogate_plugin_quarantined{workspace="default",plugin="hostile"} 1')
      // Everything else keeps answering.
      expect((await get('/healthy')).status).toBe(200)
      const other = await get('/other/x')
      expect(other.status).toBe(200)
      expect(other.headers.get('x-tagger-seen')).toBe('other')
      // A configuration change does not lift it (only new code does).
      await ok('PATCH', `/plugins/${pluginId}`, { config: { mode: 'ok' } })
      expect((await get('/loop')).status).toBe(503)
      expect(failures(gw, 'quarantined')).toHaveLength(1)
      expect(gw.logs.filter((l) => String(l.msg).includes('watchdog'))).toEqual([])
    })
  })

  describe('when it ends', () => {
    let env: Awaited<ReturnType<typeof setUp>>
    beforeAll(async () => {
      env = await setUp(upstream, 1)
    })
    afterAll(() => env?.gw.stop())

    it('runs the plugin again after plugin_quarantine seconds', async () => {
      const { gw, ok, pluginId } = env
      for (let i = 0; i < 2; i++) expect((await fetch(`${gw.proxyUrl}/loop`)).status).toBe(503)
      expect(gw.logs.filter((l) => l.msg === 'plugin quarantined')).toHaveLength(1)
      await ok('PATCH', `/plugins/${pluginId}`, { config: { mode: 'ok' } })
      // Polled, bounded: the quarantine lasts 1 s; the plugin then runs with its new configuration.
      let answer = await fetch(`${gw.proxyUrl}/loop`)
      for (let i = 0; i < 100 && answer.status !== 200; i++) {
        expect(answer.status).toBe(503)
        await sleep(100)
        answer = await fetch(`${gw.proxyUrl}/loop`)
      }
      expect(answer.status).toBe(200)
      expect(answer.headers.get('x-calls')).not.toBeNull()
      const status = (await (await fetch(`${gw.statusUrl}/status`)).json()) as any
      expect(status.plugins.quarantined).toEqual([])
      expect(await (await fetch(`${gw.statusUrl}/metrics`)).text()).not.toContain(
        'isogate_plugin_quarantined{',
      )
    })
  })
})
