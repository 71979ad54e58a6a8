import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/**
 * Fair share between workspaces through a real gateway (one worker, in this process): a burst on
 * a route whose plugin burns CPU queues in its own workspace; the quiet workspace's requests wait
 * for about one of its calls, not for its queue. The noisy queue is much longer than
 * workspace_queue_ms, so its tail is refused with 503 + Retry-After; the quiet workspace's calls,
 * served between two noisy ones, never wait that long. Outcomes only: no timing is asserted.
 */
describe('fair share of a worker between workspaces', () => {
  let upstream: EchoServer
  let gw: TestGateway
  /** Each noisy call burns 30 ms; 40 of them queue for ~1.2 s against a 600 ms bound. */
  const BURST = 40

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway(
      {
        plugins: 'burner,tagger',
        plugin_paths: FIXTURE_PLUGINS,
        plugin_cpu_ms: 1000,
        workspace_queue_ms: 600,
      },
      { captureLogs: true },
    )
    const created = (status: number) => expect(status).toBe(201)
    created((await gw.admin('POST', '/workspaces', { name: 'noisy' })).status)
    created((await gw.admin('POST', '/noisy/services', { name: 's', url: upstream.url })).status)
    created((await gw.admin('POST', '/noisy/services/s/routes', { paths: ['/noisy'] })).status)
    created((await gw.admin('POST', '/noisy/plugins', { name: 'burner', config: { ms: 30 } })).status)
    created((await gw.admin('POST', '/workspaces', { name: 'quiet' })).status)
    created((await gw.admin('POST', '/quiet/services', { name: 's', url: upstream.url })).status)
    created((await gw.admin('POST', '/quiet/services/s/routes', { paths: ['/quiet'] })).status)
    created((await gw.admin('POST', '/quiet/plugins', { name: 'tagger', config: { value: 'q' } })).status)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  const get = async (pool: Pool, path: string) => {
    const response = await pool.request({ method: 'GET', path })
    return { status: response.statusCode, headers: response.headers, body: await response.body.text() }
  }

  /**
   * A pool with `count` connections open: the client runs in the gateway's process, so a burst
   * on fresh connections would reach the worker one connect at a time; on open ones its requests
   * are written at once and the worker reads them together, as from another process.
   */
  const openPool = async (count: number) => {
    const pool = new Pool(gw.proxyUrl, { connections: count })
    const warm = await Promise.all(Array.from({ length: count }, () => get(pool, '/nowhere')))
    for (const answer of warm) expect(answer.status).toBe(404)
    return pool
  }

  it('refuses the tail of a noisy burst with 503 + Retry-After while the quiet workspace answers 200', async () => {
    const [noisyPool, quietPool] = [await openPool(BURST), await openPool(1)]
    const burst = Array.from({ length: BURST }, () => get(noisyPool, '/noisy'))
    const quiet: Awaited<ReturnType<typeof get>>[] = []
    for (let i = 0; i < 5; i++) quiet.push(await get(quietPool, '/quiet'))
    const noisy = await Promise.all(burst)

    for (const answer of quiet) {
      expect(answer.status).toBe(200)
      expect(JSON.parse(answer.body).headers['x-tagger']).toBe('q')
    }
    const served = noisy.filter((answer) => answer.status === 200)
    const refused = noisy.filter((answer) => answer.status === 503)
    expect(served.length + refused.length).toBe(BURST)
    expect(served.length).toBeGreaterThan(0)
    expect(refused.length).toBeGreaterThan(0)
    for (const answer of served) expect(answer.headers['x-burned']).toBe('30')
    for (const answer of refused) {
      expect(answer.headers['retry-after']).toBe('1')
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(JSON.parse(answer.body)).toEqual({ message: 'The gateway is busy, retry later' })
    }
    // The plugin is not at fault: no failure line (so no strike), and its isolate was never disposed.
    expect(gw.logs.filter((line) => line.msg === 'plugin failed')).toEqual([])
    expect(gw.logs.filter((line) => String(line.msg).includes('watchdog'))).toEqual([])
    // The operator hears of it: one warning for the burst (at most one per workspace per 10 s).
    const warnings = gw.logs.filter((line) => String(line.msg).startsWith('requests refused'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ workspace: 'noisy', reason: 'queue_timeout', refused_since_last: 0 })
    // Once the burst is over, the noisy workspace is served again at once.
    expect((await get(quietPool, '/noisy')).status).toBe(200)
    await Promise.all([noisyPool.close(), quietPool.close()])
  })
})
