import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../host/echo/index.ts'
import { runCli, startCliNode } from './helpers/index.ts'

const json = { 'content-type': 'application/json' }
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: json, body: JSON.stringify(body) })

/** One line on stderr, no stack trace: what an operator mistake must look like. */
function expectOneLineError(stderr: string, ...parts: string[]) {
  const lines = stderr.trim().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^Error: /)
  for (const part of parts) expect(lines[0]).toContain(part)
}

// Each test starts real processes (launcher, supervisor, workers): generous time on a loaded 2-core CI.
describe('isogate CLI', { timeout: 90_000 }, () => {
  let upstream: EchoServer
  let dir: string

  beforeAll(async () => {
    upstream = await startEchoServer()
    dir = mkdtempSync(join(tmpdir(), 'isogate-cli-'))
  })
  afterAll(async () => {
    await upstream?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('check: accepts a valid file and names the bad key of an invalid one in one line', async () => {
    writeFileSync(join(dir, 'good.conf'), 'proxy_listen = 127.0.0.1:9000 # comment\nlog_level = warn\n')
    writeFileSync(join(dir, 'bad.conf'), 'proxy_listen = 127.0.0.1:9000\nproxy_lisen = 1\n')
    const good = await runCli(['check', 'good.conf'], { cwd: dir })
    expect(good.code).toBe(0)
    expect(good.stdout).toContain('good.conf is valid')
    const bad = await runCli(['check', 'bad.conf'], { cwd: dir })
    expect(bad.code).toBe(1)
    expectOneLineError(bad.stderr, 'bad.conf:2', 'proxy_lisen', 'proxy_listen')
  })

  it('--help describes every command', async () => {
    const top = await runCli(['--help'], { cwd: dir })
    expect(top.code).toBe(0)
    for (const command of ['start', 'stop', 'quit', 'health', 'check', 'migrations', 'config']) {
      expect(top.stdout).toContain(command)
    }
    const start = await runCli(['start', '--help'], { cwd: dir })
    expect(start.stdout).toContain('--conf <file>')
    const migrations = await runCli(['migrations', '--help'], { cwd: dir })
    for (const sub of ['bootstrap', 'up', 'list', 'status']) expect(migrations.stdout).toContain(sub)
  })

  it('start: a bad value stops it with one line naming the key', async () => {
    const result = await runCli(['start'], { cwd: dir, env: { ISOGATE_WORKER_PROCESSES: 'many' } })
    expect(result.code).toBe(1)
    expectOneLineError(result.stderr, 'ISOGATE_WORKER_PROCESSES', 'worker_processes')
  })

  it('migrations: status, bootstrap, list and up with Kong exit codes', async () => {
    const prefix = mkdtempSync(join(dir, 'mig-'))
    const env = { ISOGATE_PREFIX: prefix }
    const before = await runCli(['migrations', 'status'], { cwd: prefix, env })
    expect(before.code).toBe(3)
    expect(before.stdout).toContain('needs bootstrap')
    const boot = await runCli(['migrations', 'bootstrap'], { cwd: prefix, env })
    expect(boot.code).toBe(0)
    expect(boot.stdout).toMatch(/core\/\d{3}_\w+ executed/)
    const again = await runCli(['migrations', 'bootstrap'], { cwd: prefix, env })
    expect(again.code).toBe(1)
    expectOneLineError(again.stderr, 'already bootstrapped')
    const list = await runCli(['migrations', 'list'], { cwd: prefix, env })
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/core: \d{3}_/)
    const up = await runCli(['migrations', 'up'], { cwd: prefix, env })
    expect(up.stdout).toContain('already up-to-date')
    expect((await runCli(['migrations', 'status'], { cwd: prefix, env })).code).toBe(0)
  })

  it('config: parse, db_import (all or nothing) and db_export', async () => {
    const prefix = mkdtempSync(join(dir, 'decl-'))
    const env = { ISOGATE_PREFIX: prefix }
    const good = join(prefix, 'good.yaml')
    writeFileSync(
      good,
      `_format_version: "3.0"\nservices:\n  - name: imported\n    url: ${upstream.url}\n    routes:\n      - name: r1\n        paths: [/imported]\n`,
    )
    const bad = join(prefix, 'bad.yaml')
    writeFileSync(
      bad,
      `_format_version: "3.0"\nservices:\n  - name: first\n    url: ${upstream.url}\n  - name: second\n    url: ${upstream.url}\n    colour: red\n`,
    )
    expect((await runCli(['config', 'parse', good], { cwd: prefix, env })).stdout).toContain(
      'parse successful',
    )
    const parseBad = await runCli(['config', 'parse', bad], { cwd: prefix, env })
    expect(parseBad.code).toBe(1)
    expectOneLineError(parseBad.stderr, 'colour')

    expect((await runCli(['migrations', 'bootstrap'], { cwd: prefix, env })).code).toBe(0)
    const failed = await runCli(['config', 'db_import', bad], { cwd: prefix, env })
    expect(failed.code).toBe(1)
    const imported = await runCli(['config', 'db_import', good], { cwd: prefix, env })
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain('import successful')

    const exported = await runCli(['config', 'db_export'], { cwd: prefix, env })
    expect(exported.code).toBe(0)
    expect(exported.stdout).toContain('_format_version')
    expect(exported.stdout).toContain('name: imported')
    expect(exported.stdout).toContain('/imported')
    // the failed import left nothing behind
    expect(exported.stdout).not.toContain('name: first')
  })

  it('start: proxies through cluster workers, is healthy, and a 201 survives SIGKILL', async () => {
    const prefix = mkdtempSync(join(dir, 'node-'))
    const node = await startCliNode(prefix)
    // The command caps glibc's malloc arenas for the processes it starts (the workers hold the
    // isolates), unless the operator set a value of their own.
    const arenas = (pid: number) =>
      readFileSync(`/proc/${pid}/environ`, 'utf8')
        .split('\0')
        .find((entry) => entry.startsWith('MALLOC_ARENA_MAX='))
    const children = (pid: number) =>
      readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number)
    try {
      const workers = children(node.pid())
      expect(workers.length).toBeGreaterThanOrEqual(2)
      for (const worker of workers) expect(arenas(worker)).toBe('MALLOC_ARENA_MAX=2')
      // The node runs the compiled tree: the workers run dist/worker.js, and nothing loads tsx.
      const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
      expect(cmdline(node.pid()).some((arg) => arg.endsWith('bin/isogate.js'))).toBe(true)
      expect(
        workers.filter((pid) => cmdline(pid).some((arg) => arg.endsWith('dist/worker.js'))),
      ).toHaveLength(2)
      for (const pid of [node.pid(), ...workers]) expect(cmdline(pid).join(' ')).not.toContain('tsx')
      const health = await runCli(['health'], { cwd: prefix, env: node.env })
      expect(health.code).toBe(0)

      expect((await post(`${node.adminUrl}/services`, { name: 'echo', url: upstream.url })).status).toBe(201)
      expect((await post(`${node.adminUrl}/services/echo/routes`, { paths: ['/echo'] })).status).toBe(201)
      // every worker got the route before the 201: a handful of requests spread over both all succeed
      for (let i = 0; i < 10; i++) expect((await fetch(`${node.proxyUrl}/echo/${i}`)).status).toBe(200)

      expect((await post(`${node.adminUrl}/consumers`, { username: 'durable' })).status).toBe(201)
      process.kill(node.pid(), 'SIGKILL')
      await node.exited
    } finally {
      node.child.kill('SIGKILL')
    }
    // workers notice their supervisor is gone and leave; the restarted node finds the consumer
    const restarted = await startCliNode(prefix, { MALLOC_ARENA_MAX: '4' })
    try {
      expect(arenas(restarted.pid())).toBe('MALLOC_ARENA_MAX=4')
      const consumer = await fetch(`${restarted.adminUrl}/consumers/durable`)
      expect(consumer.status).toBe(200)
      expect(await fetch(`${restarted.proxyUrl}/echo/again`).then((r) => r.status)).toBe(200)
    } finally {
      const stopped = await runCli(['stop'], { cwd: prefix, env: restarted.env })
      expect(stopped.code).toBe(0)
    }
  })

  it('stop: in-flight requests finish, then the node exits and its pid file is gone', async () => {
    const prefix = mkdtempSync(join(dir, 'stop-'))
    const node = await startCliNode(prefix, { ISOGATE_WORKER_PROCESSES: '1' })
    expect((await post(`${node.adminUrl}/services`, { name: 'slow', url: upstream.url })).status).toBe(201)
    expect((await post(`${node.adminUrl}/services/slow/routes`, { paths: ['/slow'] })).status).toBe(201)

    const slow = fetch(`${node.proxyUrl}/slow`, { headers: { 'x-echo-delay-ms': '1500' } })
    await sleep(300)
    const stop = runCli(['stop'], { cwd: prefix, env: node.env })
    const answer = await slow
    expect(answer.status).toBe(200)
    expect(await answer.json()).toMatchObject({ path: '/' })
    expect((await stop).code).toBe(0)
    expect(await node.exited).toBe(0)
    expect(existsSync(join(prefix, 'isogate.pid'))).toBe(false)
    await expect(fetch(`${node.proxyUrl}/slow`)).rejects.toThrow()
    const health = await runCli(['health'], { cwd: prefix, env: node.env })
    expect(health.code).toBe(1)
    expectOneLineError(health.stderr, 'not running')
  })
})
