import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { type CliNode, FIXTURE_PLUGINS, startCliNode, workerPids } from '../helpers/index.ts'

const json = { 'content-type': 'application/json' }

/**
 * The values that used to kill a proxy worker, against `isogate start` with one cluster worker:
 * an unhandled rejection with a looping getter (read by isolated-vm after the call, before its
 * patch), a thrown value with looping getters, 150 and 400 MB exit bodies and a 40 MB header. Each
 * is that request's 5xx; the worker's pid is the same before and after, the node never printed a
 * watchdog line nor replaced a worker, and the proxy answers the next request.
 */
describe('hostile values against a cluster worker', { timeout: 120_000 }, () => {
  let prefix: string
  let node: CliNode
  let upstream: EchoServer
  const CASES: [mode: string, status: number][] = [
    ['poisoned-rejection', 500],
    ['poisoned-rejection-error', 500],
    ['poisoned-throw', 503],
    ['exit-150mb', 503],
    ['exit-400mb', 503],
    ['header-40mb', 503],
  ]
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(node.adminUrl + path, {
      method,
      headers: json,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  /** Pids of the workers that built a plugin isolate (from /metrics; one worker here). */

  beforeAll(async () => {
    upstream = await startEchoServer()
    prefix = mkdtempSync(join(tmpdir(), 'isogate-hostile-cluster-'))
    node = await startCliNode(prefix, {
      ISOGATE_WORKER_PROCESSES: '1',
      ISOGATE_PLUGINS: 'hostile',
      ISOGATE_PLUGIN_PATHS: FIXTURE_PLUGINS,
      ISOGATE_PLUGIN_CPU_MS: '50',
      ISOGATE_ISOLATE_MEMORY_MB: '32',
      ISOGATE_PLUGIN_STRIKES: '1000000',
    })
    expect((await admin('POST', '/services', { name: 'svc', url: upstream.url })).status).toBe(201)
    for (const [mode] of [...CASES, ['ok']]) {
      expect((await admin('POST', '/services/svc/routes', { name: mode, paths: [`/${mode}`] })).status).toBe(
        201,
      )
      const plugin = await admin('POST', `/routes/${mode}/plugins`, { name: 'hostile', config: { mode } })
      expect(plugin.status).toBe(201)
    }
  })
  afterAll(async () => {
    await node?.stop()
    rmSync(prefix, { recursive: true, force: true })
    await upstream?.close()
  })

  it('answers each with its 5xx while the same worker keeps serving', async () => {
    expect((await fetch(`${node.proxyUrl}/ok`)).status).toBe(200)
    const before = await workerPids(node.statusUrl)
    expect(before).toHaveLength(1)
    for (const [mode, status] of CASES) {
      const answer = await fetch(`${node.proxyUrl}/${mode}`)
      await answer.arrayBuffer()
      expect(answer.status, mode).toBe(status)
      expect((await fetch(`${node.proxyUrl}/ok`)).status, `after ${mode}`).toBe(200)
    }
    expect(await workerPids(node.statusUrl)).toEqual(before)
    expect(node.output()).not.toContain('watchdog fired')
    expect(node.output()).not.toContain('proxy worker died')
  })
})
