import type { Context, Hono } from 'hono'
import type { Entities } from '../entities/index.ts'
import { methodNotAllowed, notFound } from './http-error.ts'

/** One Admin API call, in the workspace of its `/{workspace}` prefix (or `default`). */
export interface AdminRequest {
  c: Context
  /** The workspace's id, looked up on first use (`/status` never needs the database). */
  ws(): Promise<string>
  /** `""` or `/{workspace}`: prepended to links the answer carries (`next`). */
  prefix: string
  param(name: string): string
  query: URLSearchParams
}

export type AdminHandler = (request: AdminRequest) => Promise<Response>

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * The Admin API's paths, in Kong's notation (`/services/:services`). Installed twice: as is
 * (workspace `default`), then under `/:workspace`; the unprefixed paths are registered first so
 * they win where both match. A known path with an unknown method answers 405.
 */
export class RouteTable {
  readonly #routes = new Map<string, Map<Method, AdminHandler>>()

  add(method: Method, path: string, handler: AdminHandler): void {
    let methods = this.#routes.get(path)
    if (!methods) {
      methods = new Map()
      this.#routes.set(path, methods)
    }
    // First registration wins: specific endpoints are added before generated ones.
    if (!methods.has(method)) methods.set(method, handler)
  }

  paths(): string[] {
    return [...this.#routes.keys()]
  }

  install(app: Hono, entities: Entities): void {
    const patterns = (prefixed: boolean) =>
      [...this.#routes].map(([path, methods]) => {
        const pattern = prefixed ? `/:workspace${path === '/' ? '' : path}` : path
        return [pattern, methods] as const
      })
    const all = [...patterns(false), ...patterns(true)]
    for (const [pattern, methods] of all) {
      for (const [method, handler] of methods) app.on(method, pattern, (c) => run(c, handler, entities))
    }
    // The 405s come after every handler: two spellings of one path (an api.ts route beside the
    // generated one it partly replaces) must not shadow each other's methods.
    for (const [pattern] of all) {
      app.all(pattern, () => {
        throw methodNotAllowed()
      })
    }
  }
}

async function run(c: Context, handler: AdminHandler, entities: Entities): Promise<Response> {
  const name = c.req.param('workspace')
  let id: Promise<string> | undefined
  const ws = () => {
    id ??= entities.workspaceByName(name ?? 'default').then((found) => {
      if (!found) throw notFound()
      return found.id
    })
    return id
  }
  // An unknown prefix is 404 whatever the endpoint.
  if (name !== undefined) await ws()
  return handler({
    c,
    ws,
    prefix: name === undefined ? '' : `/${encodeURIComponent(name)}`,
    param: (key) => c.req.param(key) ?? '',
    query: new URL(c.req.url).searchParams,
  })
}
