import type { Entities } from '../entities/index.ts'
import type { AdminDeps } from './deps.ts'
import { json } from './respond.ts'
import type { RouteTable } from './route-table.ts'

const SECRET_KEY = /password|secret|token/i
const PLUGIN_PAGES = 1000

/** `GET /` (node info), `GET /status`, `GET /plugins/enabled` and `GET /endpoints`. */
export function addNodeRoutes(table: RouteTable, deps: AdminDeps): void {
  table.add('GET', '/', async (request) => {
    const { tagline, configuration, plugins, ...rest } = deps.nodeInfo()
    return json(200, {
      tagline: tagline ?? 'Welcome to isogate',
      ...rest,
      plugins: {
        available_on_server: plugins,
        enabled_in_cluster: await pluginsInUse(deps.entities, await request.ws()),
      },
      configuration: redact(configuration),
    })
  })
  table.add('GET', '/status', async () => json(200, await deps.status()))
  table.add('GET', '/plugins/enabled', async () =>
    json(200, { enabled_plugins: Object.keys(deps.nodeInfo().plugins).sort() }),
  )
  table.add('GET', '/endpoints', async () => json(200, { data: listEndpoints(table.paths()) }))
}

/** Configuration values whose key names a secret are shown as Kong shows them. */
function redact(configuration: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(configuration)) {
    const secret = SECRET_KEY.test(key) && value !== undefined && value !== null && value !== ''
    shown[key] = secret ? '******' : value
  }
  return shown
}

/** Distinct names of the plugins configured in the workspace (Kong's `enabled_in_cluster`). */
async function pluginsInUse(entities: Entities, ws: string): Promise<string[]> {
  const names = new Set<string>()
  let offset: string | undefined
  for (let pages = 0; pages < PLUGIN_PAGES; pages++) {
    const page = await entities.plugins.page(ws, { size: 1000, offset })
    for (const plugin of page.data) names.add(plugin.name)
    if (page.offset === null) break
    offset = page.offset
  }
  return [...names].sort()
}

/** Kong's `/endpoints`: `{param}` placeholders, sorted segment by segment. */
function listEndpoints(paths: string[]): string[] {
  const shown = paths.map((path) => path.replace(/:(\w+)/g, '{$1}'))
  const key = (path: string) => path.replaceAll('/', '\u0000')
  return shown.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}
