import type { FailureReason } from '../../host/chain/index.ts'
import type { Headers, PhaseName, RouteInfo, ServiceInfo } from '../../runtime/protocol.ts'

/** The client's request, as the gateway would receive it; everything is optional. */
export interface FakeRequest {
  /** Default `GET`. */
  method?: string
  /** Raw path, sent unnormalised; a `?query` part is split off when `query` is not given. Default the route's first plain path, else `/`. */
  path?: string
  /** Raw query string (without `?`) or arguments (encoded here, repeated for arrays). */
  query?: string | Record<string, string | string[]>
  /** Names are lower-cased; a Host is added when absent: the route's first host, else `localhost`. */
  headers?: Record<string, string | string[]>
  /** The request body (UTF-8); what `kong.request.getRawBody`/`getBody` read. */
  body?: string
  /**
   * An authenticated consumer, e.g. `{ id, username }`: created through the Admin API (so its
   * fields are a consumer's) and authenticated in access, before the plugin's own access, by
   * sdk/testing's `authenticated-as` plugin; `kong.client.getConsumer` reads the stored row. As in
   * the gateway, the rewrite phase runs before anyone is authenticated.
   */
  consumer?: Record<string, unknown> | null
  /**
   * Fields of the route, created through the Admin API: `name` (default `test-route`), `paths`
   * (default `['/']`), `hosts`, `methods`, `protocols`, `tags`, `id`. The route does not strip its
   * path and keeps the client's Host (`strip_path: false`, `preserve_host: true`); the request
   * must match it (runPlugin throws when the gateway answers that no route matched).
   */
  route?: Partial<RouteInfo>
  /**
   * Fields of the route's service, created through the Admin API: `name` (default
   * `test-service`), `path`, `retries`, the timeouts, `tags`, `id`. `protocol`, `host` and `port`
   * cannot be given: the service points at the fake upstream, so the plugin sees
   * `http`, `127.0.0.1` and the fake upstream's port there.
   */
  service?: Partial<ServiceInfo>
}

/** What the fake upstream answers when the request gets there. */
export interface FakeUpstreamResponse {
  /** Default 200. */
  status?: number
  /** Default `{}`; names are lower-cased. */
  headers?: Record<string, string | string[]>
  /**
   * Default ''. A list is written in separate writes with a short pause between them, so each
   * usually reaches the plugin as its own `bodyFilter` call; TCP may still split or merge them:
   * what is guaranteed is their concatenation, then one last call with `eof`.
   */
  body?: string | string[]
}

export interface RunPluginOptions {
  /** The plugin folder (`handler.ts`, `schema.ts`); its name is the plugin's name. */
  dir: string
  /**
   * The instance's config, validated against the plugin's schema (defaults filled) before anything
   * starts; the plugin is configured globally with it. Default `{}`.
   */
  config?: Record<string, unknown>
  request?: FakeRequest
  upstreamResponse?: FakeUpstreamResponse
  /** CPU the plugin may spend on the request, all phases together, ms (the gateway's default 100). */
  cpuMs?: number
  /** Wall time of one phase call, awaited I/O included, ms (default 5000). */
  wallMs?: number
  /** The isolate's heap limit, MB (default 64). */
  memoryMb?: number
  /**
   * Rows in the gateway's database before the request, by entity name: core entities
   * (`consumers`, credentials of loaded plugins) and the plugin's own `daos.ts` entities, e.g.
   * `{ consumers: [{ id, username: 'ann' }], my_entries: [{ label: 'x', consumer: { id } }] }`.
   * Each row is created through its Admin API endpoint, in order, so the real validation applies;
   * a refused row throws `entities.<name>[<index>] refused: <the Admin API's message>`. The
   * plugin's `kong.db` and `kong.cache` are the gateway's own.
   */
  entities?: Record<string, Record<string, unknown>[]>
}

/** What was sent to the upstream after the plugin's changes. */
export interface UpstreamRequest {
  method: string
  path: string
  /** Raw query string without `?` ('' when none). */
  query: string
  /**
   * As received, without the headers the gateway writes on every upstream request whatever the
   * plugin does: framing and hop-by-hop ones, X-Forwarded-*, X-Real-IP, Via, the request id.
   */
  headers: Headers
  /** UTF-8. */
  body: string
}

/** One `kong.log.*` line; `level` is the gateway's name (`kong.log.err` → `error`). */
export interface PluginLogLine {
  level: string
  message: string
  phase: PhaseName
}

/** The first failure of the request, as the gateway's one log line for it names it. */
export interface PluginFailure {
  phase: PhaseName
  reason: FailureReason
  message: string
  /** The plugin's stack with positions mapped to its `.ts` files (`my-plugin/handler.ts:7:11`). */
  stack: string | null
}

export interface PluginRunResult {
  /** What the client gets. */
  status: number
  /**
   * Lower-cased names; only what the upstream or the plugin set. The gateway's own are left out:
   * framing (content-length, transfer-encoding) and hop-by-hop headers (connection, keep-alive),
   * Via, X-Isogate-Request-Id and the X-Isogate-*-Latency headers, its `Server: isogate/<version>`,
   * and Date unless `upstreamResponse` set one.
   */
  headers: Headers
  body: string
  /** null when the request never reached the upstream (the plugin answered, or failed first). */
  upstream: UpstreamRequest | null
  /** The plugin answered with `kong.response.exit`/`error` (the response's source is `exit`). */
  exit: boolean
  logs: PluginLogLine[]
  error: PluginFailure | null
}
