import type { EntitySchema } from '../entities/index.ts'
import { pluginLoadError } from './load-error.ts'

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])
const SEGMENT = /^(?::[a-z_][a-z0-9_]*|[a-z0-9][a-z0-9_.-]*)$/

export interface ApiRoute {
  /** As api.ts declares it, in the Admin API's notation (`/consumers/:consumers/acls/:group`). */
  path: string
  methods: readonly string[]
}

/**
 * api.ts's routes as the Admin API will serve them. A plugin is untrusted, so a route must name
 * something of its own as a literal segment (one of its entities' collections, or the plugin's
 * name): it may add `/consumers/:c/acls/:group` or replace its generated `/key-auths/:k`, never
 * take over `/services` or `/consumers/:c`.
 */
export function checkApi(
  plugin: string,
  raw: readonly { path: string; methods: readonly string[] }[] | null,
  daos: readonly EntitySchema[],
): ApiRoute[] | null {
  if (raw === null) return null
  const fail = (path: string, reason: string) =>
    pluginLoadError('PLUGIN_INVALID', plugin, `api.ts: ${path}: ${reason}`)
  const own = new Set([plugin])
  for (const dao of daos)
    for (const name of [dao.name, dao.adminApiName, dao.adminApiNestedName]) if (name) own.add(name)
  return raw.map(({ path, methods }) => {
    const segments = path.split('/').slice(1)
    if (!path.startsWith('/') || segments.some((segment) => !SEGMENT.test(segment))) {
      throw fail(path, 'a path is /segment/:param/... in lower case')
    }
    if (!segments.some((segment) => own.has(segment))) {
      throw fail(path, `the path must name one of the plugin's own collections (${[...own].join(', ')})`)
    }
    const unknown = methods.filter((method) => !METHODS.has(method))
    if (unknown.length > 0)
      throw fail(path, `unknown method ${unknown.join(', ')} (use ${[...METHODS].join(', ')})`)
    return { path, methods: [...methods] }
  })
}
