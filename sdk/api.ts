/**
 * `api.ts`: a plugin's own Admin API routes. The default export maps a path (the Admin API's
 * notation, `/consumers/:consumers/acls/:group`) to handlers by HTTP method. A path must name one
 * of the plugin's own collections (or the plugin's name); it may replace the plugin's generated
 * endpoints, never the gateway's. Handlers run in the plugin's isolate, in the workspace of the
 * URL, with kong.db (the same rules as in phases), kong.crypto and kong.log.
 */
import type { BaseLog, Node } from './context.ts'
import type { Crypto } from './crypto.ts'
import type { Db } from './db.ts'

export interface AdminKong {
  version: string
  node: Node
  log: BaseLog
  db: Db
  crypto: Crypto
}

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Path parameters by name. */
  params: Record<string, string>
  /** Query arguments; repeated ones as lists. */
  query: Record<string, string | string[]>
  /** POST, PUT and PATCH: the JSON object or form fields sent; null otherwise. */
  body: Record<string, unknown> | null
}

/** The answer: a status (default 200) and a JSON body (none when absent). */
export interface ApiAnswer {
  status?: number
  body?: unknown
}

export type ApiHandler = (kong: AdminKong, request: ApiRequest) => ApiAnswer | Promise<ApiAnswer>

export type PluginApi = Record<string, Partial<Record<ApiRequest['method'], ApiHandler>>>
