import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../host/echo/index.ts'
import { type CliNode, FIXTURE_PLUGINS, startCliNode, workerPids } from './helpers/index.ts'

const json = { 'content-type': 'application/json' }

/**
 * Strikes are counted per node (in the supervisor), not per worker, and the quarantine reaches
 * every worker: with two workers and `plugin_strikes = 2`, two CPU failures in all quarantine the
 * plugin, and no worker runs it again however the requests are spread.
 */
describe('quarantine across cluster workers', { timeout: 90_000 }, () => {
  let prefix: string
  let node: CliNode
  let upstream: EchoServer
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(node.adminUrl + path, {
      method,
      headers: json,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  // A new connection per request: the requests spread over both workers.
  const loop = async () => {
    const res = await request(`${node.proxyUrl}/loop`, { reset: true })
    await res.body.dump()
    return res.statusCode
  }
  const lines = (msg: string, reason?: string) =>
    node
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === msg && (reason === undefined || line.reason === reason))
  const quarantined = async () =>
    ((await (await fetch(`${node.statusUrl}/status`)).json()) as any).plugins.quarantined as unknown[]

  // A cluster start on a busy machine can take longer than the default hook timeout.
  beforeAll(async () => {
    upstream = await startEchoServer()
    prefix = mkdtempSync(join(tmpdir(), 'isogate-quarantine-cluster-'))
    node = await startCliNode(prefix, {
      ISOGATE_PLUGINS: 'hostile',
      ISOGATE_PLUGIN_PATHS: FIXTURE_PLUGINS,
      ISOGATE_PLUGIN_CPU_MS: '50',
      ISOGATE_PLUGIN_STRIKES: '2',
      ISOGATE_PLUGIN_QUARANTINE: '600',
    })
    expect((await admin('POST', '/services', { name: 'svc', url: upstream.url })).status).toBe(201)
    expect((await admin('POST', '/services/svc/routes', { name: 'loop', paths: ['/loop'] })).status).toBe(201)
    const plugin = await admin('POST', '/routes/loop/plugins', { name: 'hostile', config: { mode: 'loop' } })
    expect(plugin.status).toBe(201)
    expect(
      (await admin('POST', '/services/svc/routes', { name: 'healthy', paths: ['/healthy'] })).status,
    ).toBe(201)
  }, 90_000)
  afterAll(async () => {
    await node?.stop()
    rmSync(prefix, { recursive: true, force: true })
    await upstream?.close()
  })

  it('quarantines on the node-wide count and holds the plugin on every worker', async () => {
    expect(await loop()).toBe(503)
    expect(await loop()).toBe(503)
    // /status asks every worker after sending them the list, so once it lists the quarantine
    // every worker holds it (bounded poll: the strike travels to the supervisor by IPC).
    for (let i = 0; i < 50 && (await quarantined()).length === 0; i++) await sleep(100)
    expect(await quarantined()).toMatchObject([{ workspace: 'default', plugin: 'hostile' }])
    for (let i = 0; i < 8; i++) expect(await loop()).toBe(503)
    expect(lines('plugin failed', 'cpu_limit')).toHaveLength(2)
    expect(lines('plugin quarantined')).toHaveLength(1)
    const refused = lines('plugin failed', 'quarantined')
    // One line per worker that refused a request (each logs its first at once), never one per request.
    expect(refused.length).toBeGreaterThanOrEqual(1)
    expect(refused.length).toBeLessThanOrEqual(2)
    const metrics = await (await fetch(`${node.statusUrl}/metrics`)).text()
    expect(metrics).toContain('isogate_plugin_quarantined{workspace="default",plugin="hostile"} 1')
    for (let i = 0; i < 4; i++) {
      const res = await request(`${node.proxyUrl}/healthy`, { reset: true })
      await res.body.dump()
      expect(res.statusCode).toBe(200)
    }
  })

  it('keeps the quarantine in a worker that replaces a dead one', async () => {
    const before = await workerPids(node.statusUrl)
    expect(before).toHaveLength(2)
    process.kill(before[0] as number, 'SIGKILL')
    // Bounded poll: the supervisor notices the exit, pauses, and starts a new worker.
    let after = before
    for (let i = 0; i < 150; i++) {
      after = await workerPids(node.statusUrl)
      if (after.length === 2 && !after.includes(before[0] as number)) break
      await sleep(200)
    }
    expect(after).toHaveLength(2)
    expect(after).not.toContain(before[0])
    const failures = lines('plugin failed', 'cpu_limit').length
    // New connections spread over both workers, the new one included: none runs the plugin.
    for (let i = 0; i < 16; i++) expect(await loop()).toBe(503)
    expect(lines('plugin failed', 'cpu_limit')).toHaveLength(failures)
    expect(await quarantined()).toMatchObject([{ workspace: 'default', plugin: 'hostile' }])
  })
})
