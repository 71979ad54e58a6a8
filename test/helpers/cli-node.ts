import type { ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from './free-port.ts'
import { spawnCli } from './run-cli.ts'

export interface CliNode {
  child: ChildProcess
  env: NodeJS.ProcessEnv
  proxyUrl: string
  adminUrl: string
  statusUrl: string
  /** Everything the node printed so far (both streams). */
  output(): string
  /** The supervisor's pid, from the pid file. */
  pid(): number
  exited: Promise<number | null>
  /** SIGTERM, then waits for the node to exit. */
  stop(): Promise<void>
}

/** The pids of a node's proxy workers, as `/metrics` names them (one per worker). */
export async function workerPids(statusUrl: string): Promise<number[]> {
  const metrics = await (await fetch(`${statusUrl}/metrics`)).text()
  const pids = [...metrics.matchAll(/^isogate_plugin_isolate_build_milliseconds_count\{worker="(\d+)"\}/gm)]
  return pids.map((match) => Number(match[1])).sort((a, b) => a - b)
}

/**
 * `isogate start` as a user runs it (bin launcher, supervisor, cluster workers), configured by
 * ISOGATE_* variables on fresh loopback ports, and waited for until /status/ready answers 200.
 */
export async function startCliNode(prefix: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<CliNode> {
  const [proxy, admin, status] = [await freePort(), await freePort(), await freePort()]
  const env = {
    ISOGATE_PREFIX: prefix,
    ISOGATE_PROXY_LISTEN: `127.0.0.1:${proxy}`,
    ISOGATE_ADMIN_LISTEN: `127.0.0.1:${admin}`,
    ISOGATE_STATUS_LISTEN: `127.0.0.1:${status}`,
    ISOGATE_PROXY_ACCESS_LOG: 'off',
    ISOGATE_WORKER_PROCESSES: '2',
    ...extraEnv,
  }
  const child = spawnCli(['start'], { cwd: prefix, env })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const statusUrl = `http://127.0.0.1:${status}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`isogate start exited (${child.exitCode}):\n${output}`)
    const ready = await fetch(`${statusUrl}/status/ready`).then(
      (r) => r.status === 200,
      () => false,
    )
    if (ready) break
    if (attempt > 600) throw new Error(`isogate start did not become ready:\n${output}`)
    await sleep(100)
  }
  return {
    child,
    env,
    proxyUrl: `http://127.0.0.1:${proxy}`,
    adminUrl: `http://127.0.0.1:${admin}`,
    statusUrl,
    output: () => output,
    pid: () => Number(readFileSync(join(prefix, 'isogate.pid'), 'utf8').trim()),
    exited,
    async stop() {
      child.kill('SIGTERM')
      await exited
    },
  }
}
