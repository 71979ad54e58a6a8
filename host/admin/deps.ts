import type { Entities } from '../entities/index.ts'

/** What `GET /` shows about the node; the Admin API adds `plugins` and redacts `configuration`. */
export interface NodeInfo {
  version: string
  hostname: string
  node_id: string
  /** Defaults to "Welcome to isogate". */
  tagline?: string
  /** The node's effective configuration; keys that look secret are shown as "******". */
  configuration: Record<string, unknown>
  /** Plugins this node can run (Kong's `available_on_server`): name → handler version and priority. */
  plugins: Record<string, { version?: string; priority?: number }>
  /** Any other key (node_version, pids, ...) is shown as given. */
  [key: string]: unknown
}

/** pino-like; only `error` is used (unexpected errors, with the error object under `err`). */
export interface AdminLogger {
  error(obj: object, msg?: string): void
}

export interface AdminDeps {
  entities: Entities
  /** DB-less (`database = off`): every write answers Kong's 405 "cannot create ... when not using a database". */
  readOnly: boolean
  /** When set, every call needs `Authorization: Bearer <token>` (401 otherwise). */
  adminToken?: string
  nodeInfo(): NodeInfo
  /** `GET /status` body, served as given: Kong's `{ server: {connections_*, total_requests}, database: { reachable } }`. */
  status(): Promise<Record<string, unknown>>
  /**
   * Kong-shaped schema of one plugin (`{ fields: [...] }`, with `json_schema` beside it) for
   * `GET /schemas/plugins/{name}` and for typing form-encoded `config.*` values; undefined when unknown.
   */
  pluginSchema?(name: string): Record<string, unknown> | undefined
  /** Plugins' api.ts routes and where their handlers run (host/plugin-api). */
  pluginApi?: {
    routes: readonly { plugin: string; path: string; methods: readonly string[] }[]
    call(
      workspace: { id: string; name: string },
      plugin: string,
      request: {
        route: string
        method: string
        params: Record<string, string>
        query: Record<string, string | string[]>
        body: unknown
      },
    ): Promise<{ status: number; body: string | null }>
  }
  /** Called after every committed write, awaited before the response is sent. */
  afterWrite?(): Promise<void>
  logger?: AdminLogger
}
