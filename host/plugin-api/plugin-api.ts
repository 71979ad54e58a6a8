import type { ApiRequest } from '../../runtime/protocol.ts'
import type { PluginDb } from '../data/index.ts'
import { LEVEL_VALUES, type Logger } from '../log/index.ts'
import { PluginHost } from '../plugin-host/index.ts'
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

const MESSAGES: Record<number, string> = {
  500: 'An unexpected error occurred',
  503: 'The plugin could not answer within its limits',
}

/**
 * api.ts handlers for the Admin API. They run in the plugin host process (host/plugin-host), never
 * in this one: one isolate per workspace and plugin, the same limits as phases, kong.db through
 * the same checks as from the proxy. A handler that throws gives 500, one stopped at a limit (or
 * whose host had to be killed) 503; either is logged once with its reason.
 */
export class PluginApi {
  readonly routes: PluginApiRoute[]
  private readonly host: PluginHost

  constructor(private readonly options: PluginApiOptions) {
    this.routes = options.catalog.plugins.flatMap((plugin) =>
      (plugin.api ?? []).map((route) => ({ plugin: plugin.name, ...route })),
    )
    this.host = new PluginHost({
      init: {
        plugins: options.catalog.plugins
          .filter((plugin) => plugin.api !== null)
          .map((plugin) => ({ name: plugin.name, code: plugin.bundle.code })),
        node: options.node,
        entities: options.db.entities,
        memoryMb: options.memoryMb,
        cpuMs: options.cpuMs,
        wallMs: options.wallMs,
      },
      db: (ws, plugin, args) => options.db.perform(ws, plugin, args, true),
      logger: options.logger,
    })
  }

  /** The plugin host process, for /status (null until the first call, and after it died). */
  get hostPid(): number | null {
    return this.host.pid
  }

  hostRssBytes(): number | null {
    return this.host.rssBytes()
  }

  async call(
    workspace: { id: string; name: string },
    plugin: string,
    api: Omit<ApiRequest, 'route'> & { route: string },
  ): Promise<ApiAnswer> {
    const where = { workspace: workspace.name, plugin, phase: 'admin', route: `${api.method} ${api.route}` }
    const answer = await this.host.call(workspace, plugin, api)
    for (const line of answer.logs) this.log(line.level, where, line.message)
    if (!answer.failure) return { status: answer.status, body: answer.body }
    this.options.logger.error({ ...where, ...answer.failure }, 'plugin failed')
    const status = answer.status === 503 ? 503 : 500
    return { status, body: JSON.stringify({ message: MESSAGES[status] }) }
  }

  /** Kills the plugin host; calls still waiting answer 503. */
  dispose(): void {
    this.host.stop()
  }

  private log(level: string, where: object, message: string): void {
    const name = level === 'err' ? 'error' : level
    if (!Object.hasOwn(LEVEL_VALUES, name)) return
    this.options.logger[name as keyof typeof LEVEL_VALUES](where, message)
  }
}
