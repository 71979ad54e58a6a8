import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIXTURE_PLUGINS, runCli, startCliNode, writePluginFolders } from './helpers/index.ts'

// Leaves a rejection isolated-vm reads with no timeout (a hang there), then throws: the read either
// hangs (and its reader process is killed) or reports the throw; it never loads, never hangs.
const POISONED_HANDLER = `
const poison = { get message(): string { for (;;) {} }, get stack(): string { for (;;) {} } }
void Promise.reject(poison)
if (globalThis) throw new Error('not a plugin')
export default { priority: 1, version: '1.0.0', access() {} }
`
const SCHEMA = 'export default { name: "meta-bomb", config: { type: "object" } }\n'

/** One line naming the plugin; `start` names the configuration key first (`plugins meta-bomb: …`). */
const oneError = (stderr: string, key = '') => {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(new RegExp(`^Error: ${key}plugin meta-bomb: reading its metadata `))
}

/** CPU time of a process so far, in clock ticks (utime + stime from /proc). */
const cpuTicks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return Number(fields[11]) + Number(fields[12])
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('plugin code off the paths that keep the node alive', { timeout: 120_000 }, () => {
  let dir: string
  let plugins: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'isogate-plugin-host-'))
    plugins = writePluginFolders({ 'meta-bomb': { 'handler.ts': POISONED_HANDLER, 'schema.ts': SCHEMA } })
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(plugins, { recursive: true, force: true })
  })

  it('plugin build fails in one line on a bundle whose metadata hangs its reader', async () => {
    const built = await runCli(['plugin', 'build', join(plugins, 'meta-bomb')], {
      cwd: dir,
      timeoutMs: 90_000,
    })
    expect(built.code).toBe(1)
    expect(built.stdout).toBe('')
    oneError(built.stderr)
  })

  it('start refuses that plugin the same way', async () => {
    const started = await runCli(['start'], {
      cwd: dir,
      timeoutMs: 90_000,
      env: {
        ISOGATE_PREFIX: join(dir, 'node'),
        ISOGATE_PLUGINS: 'meta-bomb',
        ISOGATE_PLUGIN_PATHS: plugins,
        ISOGATE_PROXY_LISTEN: '127.0.0.1:0',
        ISOGATE_ADMIN_LISTEN: '127.0.0.1:0',
        ISOGATE_STATUS_LISTEN: 'off',
      },
    })
    expect(started.code).toBe(1)
    oneError(started.stderr, 'plugins meta-bomb: ')
  })

  describe('a clustered node', () => {
    let upstream: Server
    let node: Awaited<ReturnType<typeof startCliNode>>
    beforeAll(async () => {
      upstream = createServer((_, res) => res.end('upstream says hi'))
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
      mkdirSync(join(dir, 'cluster'))
      node = await startCliNode(join(dir, 'cluster'), {
        ISOGATE_WORKER_PROCESSES: '1',
        ISOGATE_PLUGINS: 'api-bomb',
        ISOGATE_PLUGIN_PATHS: FIXTURE_PLUGINS,
        // The loop below stays stuck for as long as the test runs.
        ISOGATE_PLUGIN_CPU_MS: '600000',
        ISOGATE_PLUGIN_WALL_MS: '600000',
      })
      const port = (upstream.address() as AddressInfo).port
      const admin = (method: string, path: string, body: object) =>
        fetch(node.adminUrl + path, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      expect((await admin('POST', '/services', { name: 'up', url: `http://127.0.0.1:${port}` })).status).toBe(
        201,
      )
      expect((await admin('POST', '/services/up/routes', { paths: ['/up'] })).status).toBe(201)
    })
    afterAll(() => {
      if (node && node.child.exitCode === null) node.child.kill('SIGKILL')
      upstream?.close()
    })

    it('serves proxy connections while the supervisor is frozen (workers accept their own)', async () => {
      // The route reaches the worker with the configuration change (polled: no fixed wait).
      for (let i = 0; i < 100 && (await fetch(`${node.proxyUrl}/up`)).status !== 200; i++) await sleep(100)
      const supervisor = node.pid()
      process.kill(supervisor, 'SIGSTOP')
      try {
        const answer = await fetch(`${node.proxyUrl}/up`, { signal: AbortSignal.timeout(30_000) })
        expect([answer.status, await answer.text()]).toEqual([200, 'upstream says hi'])
      } finally {
        process.kill(supervisor, 'SIGCONT')
      }
    })

    it('stops on SIGTERM while an api.ts call is stuck in the plugin host, and kills the host', async () => {
      const stuck = fetch(`${node.adminUrl}/api-bomb/loop`).then((r) => r.status)
      let host: number | null = null
      for (let i = 0; i < 300 && host === null; i++) {
        const status = (await (await fetch(`${node.statusUrl}/status`)).json()) as {
          plugins: { host: { pid: number | null } }
        }
        host = status.plugins.host.pid
        if (host === null) await sleep(100)
      }
      expect(host).toBeGreaterThan(0)
      // Wait until the host is busy in the loop: a second of its CPU spent.
      const before = cpuTicks(host as number)
      for (let i = 0; i < 300 && cpuTicks(host as number) - before < 100; i++) await sleep(100)
      expect(cpuTicks(host as number) - before).toBeGreaterThanOrEqual(100)

      node.child.kill('SIGTERM')
      expect(await node.exited).toBe(0)
      expect(await stuck).toBe(503)
      expect(alive(host as number)).toBe(false)
      expect(node.output()).toContain('isogate stopped')
    })
  })
})
