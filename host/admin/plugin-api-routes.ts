import type { AdminDeps } from './deps.ts'
import { parseBody } from './parse-body.ts'
import type { Method, RouteTable } from './route-table.ts'

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH'])

/** `?a=1&a=2&b=3` → `{ a: ['1', '2'], b: '3' }`, as Kong's `self.params` gives query arguments. */
function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of query) {
    const seen = out[name]
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
  }
  return out
}

/**
 * Plugins' api.ts routes: added before the generated endpoints so they can replace a plugin's
 * own generated ones (checked at load: a route always names the plugin's own collections). The
 * handler runs in the plugin's isolate (host/plugin-api) in the URL's workspace.
 */
export function addPluginApiRoutes(table: RouteTable, deps: AdminDeps): void {
  const api = deps.pluginApi
  if (!api) return
  for (const route of api.routes) {
    for (const method of route.methods as Method[]) {
      table.add(method, route.path, async (request) => {
        const { workspace, ...params } = request.c.req.param() as Record<string, string>
        const body = BODY_METHODS.has(method) ? (await parseBody(request.c.req.raw)).value : null
        const answer = await api.call(
          { id: await request.ws(), name: workspace ?? 'default' },
          route.plugin,
          {
            route: route.path,
            method,
            params,
            query: queryRecord(request.query),
            body,
          },
        )
        return new Response(answer.body, {
          status: answer.status,
          headers: answer.body === null ? {} : { 'content-type': 'application/json; charset=utf-8' },
        })
      })
    }
  }
}
