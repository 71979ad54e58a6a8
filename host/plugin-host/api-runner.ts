import {
  type CrossingWatchdog,
  createPluginIsolate,
  IsolatePool,
  isIsolateError,
  isLimitExceeded,
  isQuota,
  mapStack,
  type PluginIsolate,
  runPhase,
} from '../../runtime/isolate/index.ts'
import { preludeSource } from '../../runtime/prelude/index.ts'
import type { ApiRequest, IoRequest, PhaseCall } from '../../runtime/protocol.ts'
import { performCrypto } from '../chain/index.ts'
import type { HostAnswer, HostFailure, HostInit } from './messages.ts'

/** kong.log text one call may send back to the supervisor's log. */
const MAX_LOG_CHARS = 64 * 1024

const failed = (status: 500 | 503, failure: HostFailure): HostAnswer => ({
  status,
  body: null,
  logs: [],
  failure,
})

/**
 * api.ts handlers inside the plugin host process: one isolate per workspace and plugin, the same
 * limits as proxy phases (CPU, wall, memory, a crossing watchdog). kong.db goes to the supervisor
 * through `db`; kong.crypto runs here (stateless, and its CPU stays out of the supervisor).
 */
export class ApiRunner {
  private readonly pool: IsolatePool
  private readonly names = new Map<string, string>()
  private readonly prelude = preludeSource()
  private nextRequest = 1

  constructor(
    private readonly init: HostInit,
    private readonly watchdog: CrossingWatchdog,
    private readonly db: (ws: string, plugin: string, args: unknown[]) => Promise<unknown>,
  ) {
    this.pool = new IsolatePool({ create: (key) => this.create(key) })
  }

  /** `running` is told when the isolate is ready and the handler is about to run. */
  async call(
    workspace: { id: string; name: string },
    plugin: string,
    api: ApiRequest,
    running: () => void,
  ): Promise<HostAnswer> {
    if (!this.init.plugins.some((p) => p.name === plugin)) {
      return failed(500, { reason: 'exception', detail: `no plugin ${plugin}` })
    }
    const key = `${workspace.id}/${plugin}`
    this.names.set(workspace.id, workspace.name)
    const call: PhaseCall = {
      kind: 'call',
      seq: 0,
      phase: 'admin',
      api,
      rid: `admin-${this.nextRequest++}`,
      run: [{ plugin, config: '' }],
      last: true,
      budgetMs: this.init.cpuMs,
    }
    let lease: Awaited<ReturnType<IsolatePool['acquire']>>
    try {
      lease = await this.pool.acquire(key)
    } catch (error) {
      return this.failure(error, plugin)
    }
    running()
    try {
      const { result } = await runPhase(
        lease.isolate,
        call,
        { cpuMs: this.init.cpuMs, wallMs: this.init.wallMs },
        (request) => this.perform(workspace.id, plugin, request),
      )
      const outcome = result.outcomes[0]
      const logs = capLogs(outcome?.logs ?? [])
      if (outcome?.status === 'error' || !result.exit) {
        const stack = outcome?.error?.stack ? mapStack(outcome.error.stack, this.bundles(plugin)) : null
        return {
          ...failed(500, {
            reason: 'exception',
            ...(outcome?.error?.message ? { detail: outcome.error.message } : {}),
            ...(stack ? { stack } : {}),
          }),
          logs,
        }
      }
      // The body is at most BRIDGE_LIMITS.bodyChars (checked in the isolate before the copy).
      return { status: result.exit.status, body: result.exit.body, logs }
    } catch (error) {
      return this.failure(error, plugin)
    } finally {
      lease.release()
    }
  }

  private failure(error: unknown, plugin: string): HostAnswer {
    if (!isIsolateError(error)) {
      return failed(500, {
        reason: 'exception',
        detail: error instanceof Error ? error.message : String(error),
      })
    }
    const stack = error.stack && error.plugin === plugin ? mapStack(error.stack, this.bundles(plugin)) : null
    const limit = isLimitExceeded(error) || isQuota(error)
    return failed(limit ? 503 : 500, {
      reason: error.code,
      detail: error.message,
      ...(stack ? { stack } : {}),
    })
  }

  private perform(ws: string, plugin: string, request: IoRequest): Promise<unknown> {
    if (request.op === 'db') return this.db(ws, plugin, request.args)
    if (request.op === 'crypto') return performCrypto(request.args)
    return Promise.reject(new Error(`${request.op} is not available in api.ts handlers`))
  }

  private bundles(plugin: string) {
    return this.init.plugins.filter((p) => p.name === plugin)
  }

  private create(key: string): Promise<PluginIsolate> {
    const slash = key.indexOf('/')
    const wsId = key.slice(0, slash)
    const plugin = this.init.plugins.find((p) => p.name === key.slice(slash + 1))
    if (!plugin) return Promise.reject(new Error(`no plugin ${key.slice(slash + 1)}`))
    return createPluginIsolate({
      memoryMb: this.init.memoryMb,
      prelude: this.prelude,
      plugins: [plugin],
      init: {
        kind: 'init',
        seq: 0,
        node: this.init.node,
        workspace: { id: wsId, name: this.names.get(wsId) ?? 'default' },
        trustedIps: [],
        entities: this.init.entities,
      },
      label: `admin:${key}`,
      watchdog: this.watchdog,
    })
  }
}

/** The handler's kong.log lines, at most MAX_LOG_CHARS of text; the excess dropped with one line. */
function capLogs(lines: readonly { level: string; message: string }[]): HostAnswer['logs'] {
  const kept: HostAnswer['logs'] = []
  let left = MAX_LOG_CHARS
  for (const line of lines) {
    if (typeof line.message !== 'string' || line.message.length > left) {
      kept.push({
        level: 'warn',
        message: `${lines.length - kept.length} kong.log lines dropped (too much text)`,
      })
      break
    }
    left -= line.message.length
    kept.push({ level: String(line.level), message: line.message })
  }
  return kept
}
