import { type ChildProcess, fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { IoRefused } from '../../runtime/isolate/index.ts'
import { COMPILED, ownScript } from '../../runtime/package-files.ts'
import type { ApiRequest } from '../../runtime/protocol.ts'
import type { Logger } from '../log/index.ts'
import type { FromHost, HostAnswer, HostInit, ToHost } from './messages.ts'

const HOST_MAIN = ownScript('plugin-host', 'host/plugin-host/host-main.ts')
/** Starting node + isolated-vm (+ tsx from the sources) on a busy machine; past this the start counts as failed. */
const START_TIMEOUT_MS = 30_000
/** Until the call's isolate is ready (built, or waited for): its start-up steps on a busy machine. */
const BUILD_DEADLINE_MS = 15_000
/** Once it runs: the wall limit plus this, for the IPC round trips. */
const RUN_MARGIN_MS = 2_000

export interface PluginHostOptions {
  init: Omit<HostInit, 'watchdogGraceMs'>
  /** kong.db for a handler in the host: run here, where the database is. */
  db(ws: string, plugin: string, args: unknown[]): Promise<unknown>
  logger: Logger
}

interface Pending {
  settle(answer: HostAnswer): void
  /** The host has the call's isolate and runs it: the wall deadline starts. */
  running(): void
}

interface Running {
  child: ChildProcess
  started: Promise<void>
  calls: Map<number, Pending>
}

/**
 * The plugin host: a child process that runs api.ts handlers, so no plugin code runs in the
 * supervisor (which answers the Admin API and status and owns the database). Started at the first
 * call, replaced after it dies. A call whose isolate is not ready within BUILD_DEADLINE_MS, or that
 * has no answer by the wall limit plus a margin once it runs, kills the process (SIGKILL: a stuck
 * isolate cannot be interrupted) and answers 503; so does every call in flight there. The next
 * call starts a fresh process.
 */
export class PluginHost {
  private running: Running | null = null
  private nextCall = 1
  private stopped = false

  constructor(private readonly options: PluginHostOptions) {}

  /** The host process's pid, or null while none runs. */
  get pid(): number | null {
    return this.running?.child.pid ?? null
  }

  /** Resident memory of the host process (Linux /proc), or null. */
  rssBytes(): number | null {
    const pid = this.pid
    if (pid === null) return null
    try {
      const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1])
      return Number.isFinite(pages) ? pages * 4096 : null
    } catch {
      return null
    }
  }

  async call(workspace: { id: string; name: string }, plugin: string, api: ApiRequest): Promise<HostAnswer> {
    if (this.stopped) return lost('the node is stopping')
    const running = this.ensure()
    try {
      await running.started
    } catch (error) {
      return lost(`the plugin host did not start: ${error instanceof Error ? error.message : String(error)}`)
    }
    if (this.running !== running) return lost('the plugin host exited')
    const id = this.nextCall++
    return new Promise<HostAnswer>((resolve) => {
      let timer: NodeJS.Timeout | undefined
      const arm = (ms: number, stage: string) => {
        clearTimeout(timer)
        timer = setTimeout(() => {
          running.calls.delete(id)
          resolve({
            status: 503,
            body: null,
            logs: [],
            failure: {
              reason: 'wall_limit',
              detail: `no answer within ${ms} ms ${stage}; the plugin host process was killed`,
            },
          })
          this.kill(running)
        }, ms)
      }
      running.calls.set(id, {
        settle: (answer) => {
          clearTimeout(timer)
          resolve(answer)
        },
        running: () => arm(this.options.init.wallMs + RUN_MARGIN_MS, 'of running'),
      })
      arm(BUILD_DEADLINE_MS, 'for its isolate')
      this.send(running, { t: 'call', id, workspace, plugin, api })
    })
  }

  /** Kills the host process at once (its calls answer 503); later calls are refused. */
  stop(): void {
    this.stopped = true
    if (this.running) this.kill(this.running)
  }

  private ensure(): Running {
    if (this.running) return this.running
    const child = fork(HOST_MAIN, [], {
      execArgv: hostExecArgv(),
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    })
    // The host's stderr (a watchdog line, a native crash) belongs in the node's log.
    if (child.stderr) {
      createInterface({ input: child.stderr }).on('line', (line) =>
        this.options.logger.error({ pid: child.pid }, `plugin host: ${line.slice(0, 2000)}`),
      )
    }
    const calls = new Map<number, Pending>()
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no hello within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      )
      child.once('message', () => {
        clearTimeout(timer)
        resolve()
      })
      child.once('exit', () => {
        clearTimeout(timer)
        reject(new Error('it exited'))
      })
    })
    const running: Running = { child, started, calls }
    // Failures are reported to the callers that wait on `started`.
    started.then(
      () => {
        // The supervisor's deadline acts first; the host's watchdog only if that somehow did not.
        const longest = Math.max(BUILD_DEADLINE_MS, this.options.init.wallMs + RUN_MARGIN_MS)
        const init = { ...this.options.init, watchdogGraceMs: longest + 2_000 }
        this.send(running, { t: 'init', init })
      },
      () => this.kill(running),
    )
    child.on('message', (message: FromHost) => this.receive(running, message))
    child.once('exit', (code, signal) => {
      if (this.running === running) this.running = null
      for (const call of calls.values()) call.settle(lost('the plugin host process exited'))
      calls.clear()
      if (!this.stopped) this.options.logger.warn({ pid: child.pid, code, signal }, 'plugin host exited')
    })
    child.on('error', (error) => this.options.logger.error({ err: error }, 'plugin host process error'))
    this.running = running
    return running
  }

  private receive(running: Running, message: FromHost): void {
    if (message.t === 'answer') {
      const call = running.calls.get(message.id)
      running.calls.delete(message.id)
      call?.settle(message.answer)
    } else if (message.t === 'running') {
      running.calls.get(message.id)?.running()
    } else if (message.t === 'db') {
      void this.options.db(message.ws, message.plugin, message.args).then(
        (value) => this.send(running, { t: 'db', id: message.id, ok: true, value: value ?? null }),
        (error: unknown) => {
          const detail = error instanceof IoRefused ? error.detail : undefined
          const text = error instanceof Error ? error.message : String(error)
          this.send(running, {
            t: 'db',
            id: message.id,
            ok: false,
            error: text,
            ...(detail ? { detail } : {}),
          })
        },
      )
    }
  }

  private send(running: Running, message: ToHost): void {
    if (running.child.connected) running.child.send(message)
  }

  private kill(running: Running): void {
    if (this.running === running) this.running = null
    running.child.kill('SIGKILL')
  }
}

const lost = (detail: string): HostAnswer => ({
  status: 503,
  body: null,
  logs: [],
  failure: { reason: 'plugin_host', detail },
})

/** As the workers run: no V8 snapshot (isolated-vm); from the sources, TypeScript through tsx's loader. */
function hostExecArgv(): string[] {
  if (COMPILED) return ['--no-node-snapshot', '--enable-source-maps']
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  return ['--no-node-snapshot', '--import', tsx]
}
