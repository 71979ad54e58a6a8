import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/**
 * api.ts runs in the plugin host process, not in the process serving the Admin API, status and
 * proxy: a handler that loops, leaves a poisoned rejection, never settles or answers 150 MB gets a
 * 5xx while everything else keeps answering, and the next call works.
 */
describe('the plugin host process', () => {
  let gw: TestGateway
  let upstream: Server
  beforeAll(async () => {
    upstream = createServer((_, res) => res.end('upstream says hi'))
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    gw = await startTestGateway(
      // The loop's crossing timeout (4 × 400 + 50 ms) comes before the wall limit: a cpu_limit.
      { plugins: 'api-bomb', plugin_paths: FIXTURE_PLUGINS, plugin_cpu_ms: 400, plugin_wall_ms: 2000 },
      { captureLogs: true },
    )
    const port = (upstream.address() as AddressInfo).port
    await gw.admin('POST', '/services', { name: 'up', url: `http://127.0.0.1:${port}` })
    await gw.admin('POST', '/services/up/routes', { name: 'r', paths: ['/up'] })
  })
  afterAll(async () => {
    await gw?.stop()
    upstream?.close()
  })

  const host = async (): Promise<{ pid: number | null; rss_bytes: number | null }> => {
    const status = (await (await fetch(`${gw.statusUrl}/status`)).json()) as {
      plugins: { host: { pid: number | null; rss_bytes: number | null } }
    }
    return status.plugins.host
  }
  const hostPid = async () => (await host()).pid

  /** The bad call, with the status listener, another Admin API call and the proxy beside it. */
  const beside = async (path: string) => {
    const [bad, status, services, proxied] = await Promise.all([
      gw.admin('GET', path),
      fetch(`${gw.statusUrl}/status`).then((r) => r.status),
      gw.admin('GET', '/services'),
      fetch(`${gw.proxyUrl}/up`).then(async (r) => [r.status, await r.text()]),
    ])
    expect(status).toBe(200)
    expect(services).toMatchObject({ status: 200, body: { data: [{ name: 'up' }] } })
    expect(proxied).toEqual([200, 'upstream says hi'])
    return bad
  }

  it('runs api.ts in its own process, started at the first call and listed by /status', async () => {
    expect(await hostPid()).toBeNull()
    const ok = await gw.admin('GET', '/api-bomb/ok')
    expect(ok).toEqual({ status: 200, body: { ok: true, node: gw.gateway.nodeId } })
    const { pid, rss_bytes } = await host()
    expect(pid).toBeGreaterThan(0)
    expect(pid).not.toBe(process.pid)
    expect(rss_bytes).toBeGreaterThan(0)
  })

  const failureAfter = (before: number, path: string) => {
    const failures = gw.logs.slice(before).filter((line) => line.msg === 'plugin failed')
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatchObject({ plugin: 'api-bomb', phase: 'admin', route: `GET ${path}` })
    return failures[0] as Record<string, unknown>
  }

  // An answer past the body cap is a bridge quota, measured on its length before any copy (so
  // even the 150 MB rope is never flattened).
  it.each([
    ['/api-bomb/loop', 503, 'cpu_limit'],
    ['/api-bomb/pending', 500, 'exception'],
    ['/api-bomb/large', 503, 'bridge_violation'],
    ['/api-bomb/huge', 503, 'bridge_violation'],
  ])(
    'answers %s with %i while the rest of the node answers, then serves again',
    async (path, status, reason) => {
      const before = gw.logs.length
      expect((await beside(path)).status).toBe(status)
      expect(failureAfter(before, path).reason).toBe(reason)
      expect(await gw.admin('GET', '/api-bomb/ok')).toMatchObject({ status: 200, body: { ok: true } })
    },
  )

  it('survives a poisoned unhandled rejection: a 500, and the same host process serves on', async () => {
    await gw.admin('GET', '/api-bomb/ok')
    const pid = await hostPid()
    const before = gw.logs.length
    const bad = await beside('/api-bomb/poison')
    const failure = failureAfter(before, '/api-bomb/poison')
    expect(await gw.admin('GET', '/api-bomb/ok')).toMatchObject({ status: 200, body: { ok: true } })
    const next = await hostPid()
    expect(next).toBeGreaterThan(0)
    // The patched isolated-vm reads no plugin property of the rejection: the promise that can
    // never settle is reported at once, and the same host process serves on.
    expect(bad.status).toBe(500)
    expect(failure.reason).toBe('exception')
    expect(next).toBe(pid)
    expect(gw.logs.some((line) => String(line.msg).includes('watchdog fired'))).toBe(false)
  })
})
