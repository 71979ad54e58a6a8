import {
  createPluginIsolate,
  IsolatePool,
  isIsolateError,
  mapStack,
  type PluginIsolate,
  runPhase,
} from '../../runtime/isolate/index.ts'
import { preludeSource } from '../../runtime/prelude/index.ts'
import type { ApiRequest, IoRequest, PhaseCall } from '../../runtime/protocol.ts'
import { performCrypto } from '../chain/index.ts'
import type { PluginDb } from '../data/index.ts'
import type { Logger } from '../log/index.ts'
import type { ApiRoute, PluginCatalog } from '../plugins/index.ts'

export interface PluginApiOptions {
  catalog: PluginCatalog
  db: PluginDb
  memoryMb: number
  cpuMs: number
  wallMs: number
  node: { id: string; hostname: string; version: string }
  logger: Logger
}

/** One api.ts route of one plugin, as the Admin API serves it. */
export interface PluginApiRoute extends ApiRoute {
  plugin: string
}

export interface ApiAnswer {
  status: number
  /** JSON text, or null for an empty body. */
  body: string | null
}

const FAILED: ApiAnswer = { status: 500, body: JSON.stringify({ message: 'An unexpected error occurred' }) }

/**
 * api.ts handlers, run where the Admin API is: one isolate per workspace and plugin, its own
 * pool (never a proxy worker's), the same limits as phases, kong.db through the same checks as
 * from the proxy. A handler that throws or breaks a limit gives 500, logged once with its reason.
 */
export class PluginApi {
  readonly routes: PluginApiRoute[]
  private readonly pool: IsolatePool
  private readonly names = new Map<string, string>()
  private readonly prelude = preludeSource()
  private nextRequest = 1

  constructor(private readonly options: PluginApiOptions) {
    this.routes = options.catalog.plugins.flatMap((plugin) =>
      (plugin.api ?? []).map((route) => ({ plugin: plugin.name, ...route })),
    )
    this.pool = new IsolatePool({ create: (key) => this.create(key) })
  }

  async call(
    workspace: { id: string; name: string },
    plugin: string,
    api: Omit<ApiRequest, 'route'> & { route: string },
  ): Promise<ApiAnswer> {
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
      budgetMs: this.options.cpuMs,
    }
    const where = { workspace: workspace.name, plugin, phase: 'admin', route: `${api.method} ${api.route}` }
    let lease: Awaited<ReturnType<IsolatePool['acquire']>>
    try {
      lease = await this.pool.acquire(key)
    } catch (error) {
      this.options.logger.error({ ...where, err: error }, 'could not build a plugin isolate')
      return FAILED
    }
    try {
      const { result } = await runPhase(
        lease.isolate,
        call,
        { cpuMs: this.options.cpuMs, wallMs: this.options.wallMs },
        (request) => this.perform(workspace.id, plugin, request),
      )
      const outcome = result.outcomes[0]
      for (const line of outcome?.logs ?? []) this.log(line.level, where, line.message)
      if (outcome?.status === 'error' || !result.exit) {
        const stack = outcome?.error?.stack ? mapStack(outcome.error.stack, this.bundles(plugin)) : null
        this.options.logger.error(
          { ...where, reason: 'exception', detail: outcome?.error?.message, ...(stack ? { stack } : {}) },
          'plugin failed',
        )
        return FAILED
      }
      return { status: result.exit.status, body: result.exit.body }
    } catch (error) {
      if (!isIsolateError(error)) throw error
      this.options.logger.error({ ...where, reason: error.code, detail: error.message }, 'plugin failed')
      return FAILED
    } finally {
      lease.release()
    }
  }

  dispose(): void {
    this.pool.dispose()
  }

  private perform(ws: string, plugin: string, request: IoRequest): Promise<unknown> {
    if (request.op === 'db') return this.options.db.perform(ws, plugin, request.args)
    if (request.op === 'crypto') return performCrypto(request.args)
    return Promise.reject(new Error(`${request.op} is not available in api.ts handlers`))
  }

  private log(level: string, where: object, message: string): void {
    const name = level === 'err' ? 'error' : level
    const log = (this.options.logger as unknown as Record<string, (o: object, m: string) => void>)[name]
    log?.call(this.options.logger, where, message)
  }

  private bundles(plugin: string) {
    const found = this.options.catalog.get(plugin)
    return found ? [{ name: found.name, code: found.bundle.code }] : []
  }

  private create(key: string): Promise<PluginIsolate> {
    const slash = key.indexOf('/')
    const wsId = key.slice(0, slash)
    const plugin = this.options.catalog.get(key.slice(slash + 1))
    if (!plugin) return Promise.reject(new Error(`no plugin ${key.slice(slash + 1)}`))
    return createPluginIsolate({
      memoryMb: this.options.memoryMb,
      prelude: this.prelude,
      plugins: [{ name: plugin.name, code: plugin.bundle.code }],
      init: {
        kind: 'init',
        seq: 0,
        node: this.options.node,
        workspace: { id: wsId, name: this.names.get(wsId) ?? 'default' },
        trustedIps: [],
        entities: this.options.db.entities,
      },
      label: `admin:${key}`,
    })
  }
}
