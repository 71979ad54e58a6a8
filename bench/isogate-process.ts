import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { treeProcessesRunning } from './cpu-time.ts'
import { PortTaken, pickPort, stopProcess, withFreshPorts } from './processes.ts'

/** What a proxy worker's command line names (the supervisor forks workers with this entry). */
const WORKER_ENTRY = 'dist/worker.js'

const STOPPING = /^isogate: SIG[A-Z]+ received, finishing in-flight requests$/

/** A running `isogate start` of the bench: its proxy and Admin API, its process tree's root. */
export interface IsogateProcess {
  child: ChildProcess
  /** The proxy's origin. */
  url: string
  admin: string
  /** The status listener's origin, when `status` was asked for. */
  statusUrl: string | null
  /** The pids of its proxy workers (the processes that run `dist/worker.js`). */
  workers(): number[]
  /** Stops it and removes its temporary prefix. */
  stop(): Promise<void>
}

/**
 * `isogate start` as a user runs it (supervisor + one proxy worker) on 127.0.0.1, in a temporary
 * prefix, access log off like the other contenders, warnings only; `env` adds or overrides
 * settings (ISOGATE_*). Resolves once its Admin API answers as isogate's; started again on other
 * ports when one of its ports was taken meanwhile (see pickPort).
 */
export function launchIsogate(
  env: Record<string, string>,
  options: { status?: boolean } = {},
): Promise<IsogateProcess> {
  return withFreshPorts('isogate', () => launchOnce(env, options))
}

/** Lines that say a listener could not bind its port. */
const IN_USE = /EADDRINUSE|address already in use/i

async function launchOnce(
  env: Record<string, string>,
  options: { status?: boolean },
): Promise<IsogateProcess> {
  const prefix = mkdtempSync(join(tmpdir(), 'isogate-bench-'))
  const [proxyPort, adminPort, statusPort] = [await pickPort(), await pickPort(), await pickPort()]
  const bin = fileURLToPath(new URL('../bin/isogate.js', import.meta.url))
  // With the flags of the bin's first line, so no launcher process sits in the measured tree.
  const child = spawn(process.execPath, ['--no-node-snapshot', '--enable-source-maps', bin, 'start'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      ISOGATE_PREFIX: prefix,
      ISOGATE_PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
      ISOGATE_ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
      ISOGATE_STATUS_LISTEN: options.status ? `127.0.0.1:${statusPort}` : 'off',
      ISOGATE_WORKER_PROCESSES: '1',
      ISOGATE_PROXY_ACCESS_LOG: 'off',
      ISOGATE_LOG_LEVEL: 'warn',
      ...env,
    },
  })
  // Once it runs, its warnings and errors go on to the bench's stderr (its note on being stopped
  // would only break the progress lines); while it starts they are kept for the error.
  let starting: string[] | null = []
  const lines = child.stderr ? createInterface({ input: child.stderr }) : null
  lines?.on('line', (line) => {
    if (starting !== null) starting.push(line)
    else if (!STOPPING.test(line)) process.stderr.write(`${line}\n`)
  })
  const stderrRead = lines ? once(lines, 'close') : Promise.resolve()
  const stop = async () => {
    await stopProcess(child)
    rmSync(prefix, { recursive: true, force: true })
  }
  const admin = `http://127.0.0.1:${adminPort}`
  try {
    for (let attempt = 0; ; attempt++) {
      if (child.exitCode !== null) {
        await stderrRead // its last lines say why
        const said = (starting ?? []).join('\n')
        if (IN_USE.test(said)) throw new PortTaken(said)
        throw new Error(`isogate exited during start:\n${said}`)
      }
      const status = await fetch(`${admin}/status`).then(
        async (r) => (r.ok ? ((await r.json()) as { database?: unknown }) : null),
        () => null,
      )
      // Another process that took the port after it was picked answers too, but not like this.
      if (status !== null && typeof status.database !== 'object') {
        throw new PortTaken(`${admin} answers as something else`)
      }
      if (status !== null) break
      if (attempt > 900) throw new Error('isogate did not start within 90s')
      await sleep(100)
    }
  } catch (error) {
    await stop()
    throw error
  }
  for (const line of starting) if (!STOPPING.test(line)) process.stderr.write(`${line}\n`)
  starting = null
  return {
    child,
    url: `http://127.0.0.1:${proxyPort}`,
    admin,
    statusUrl: options.status ? `http://127.0.0.1:${statusPort}` : null,
    workers: () => {
      const pids = treeProcessesRunning(child.pid as number, WORKER_ENTRY)
      if (pids.length === 0) throw new Error(`no process running ${WORKER_ENTRY} under isogate`)
      return pids
    },
    stop,
  }
}
