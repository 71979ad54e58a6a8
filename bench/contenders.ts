import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '../test/helpers/index.ts'
import { firstJsonLine, spawnScript, stopProcess } from './processes.ts'

/** Something the load is driven against: its URL and the root of its process tree. */
export interface Contender {
  name: string
  url: string
  pid: number
  stop(): Promise<void>
}

async function scriptContender(name: string, script: string, args: string[]): Promise<Contender> {
  const child = spawnScript(script, args)
  const { port } = await firstJsonLine<{ port: number }>(child)
  return { name, url: `http://127.0.0.1:${port}`, pid: child.pid as number, stop: () => stopProcess(child) }
}

export const startUpstream = () => scriptContender('upstream alone', './upstream.ts', [])
export const startBareProxy = (upstream: string) =>
  scriptContender('bare undici proxy', './bare-proxy.ts', [upstream])

/**
 * isogate as a user runs it (`isogate start`, one proxy worker under its supervisor), configured
 * through its Admin API with one service and one catch-all route, access log off like the others.
 */
export async function startIsogate(upstream: string): Promise<Contender> {
  const prefix = mkdtempSync(join(tmpdir(), 'isogate-bench-'))
  const [proxyPort, adminPort] = [await freePort(), await freePort()]
  const bin = fileURLToPath(new URL('../bin/isogate.js', import.meta.url))
  const child: ChildProcess = spawn(process.execPath, [bin, 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ISOGATE_PREFIX: prefix,
      ISOGATE_PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
      ISOGATE_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
      ISOGATE_STATUS_LISTEN: 'off',
      ISOGATE_WORKER_PROCESSES: '1',
      ISOGATE_PROXY_ACCESS_LOG: 'off',
      ISOGATE_LOG_LEVEL: 'warn',
    },
  })
  const admin = `http://127.0.0.1:${adminPort}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error('isogate exited during start')
    const up = await fetch(`${admin}/status`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) break
    if (attempt > 300) throw new Error('isogate did not start within 30s')
    await sleep(100)
  }
  const post = async (path: string, body: unknown) => {
    const response = await fetch(admin + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  }
  await post('/services', { name: 'bench', url: upstream })
  await post('/services/bench/routes', { paths: ['/'] })
  return {
    name: 'isogate, no plugins',
    url: `http://127.0.0.1:${proxyPort}`,
    pid: child.pid as number,
    async stop() {
      await stopProcess(child)
      rmSync(prefix, { recursive: true, force: true })
    },
  }
}
