import type { FailureReason } from '../../host/chain/index.ts'
import type { Headers, PhaseName, RouteInfo, ServiceInfo } from '../../runtime/protocol.ts'

/** The client's request, as the gateway would receive it; everything is optional. */
export interface FakeRequest {
  /** Default `GET`. */
  method?: string
  /** Raw path; a `?query` part is split off when `query` is not given. Default `/`. */
  path?: string
  /** Raw query string (without `?`) or arguments (encoded here, repeated for arrays). */
  query?: string | Record<string, string | string[]>
  /** Names are lower-cased; `host: localhost` is added when absent (a real request has one). */
  headers?: Record<string, string | string[]>
  /** The request body (UTF-8); what `kong.request.getRawBody`/`getBody` read. */
  body?: string
  /** An authenticated consumer (`kong.client.getConsumer`), e.g. `{ id, username }`. */
  consumer?: Record<string, unknown> | null
  /** Fields of the matched route; the rest are defaults. */
  route?: Partial<RouteInfo>
  /** Fields of the route's service; the rest are defaults. */
  service?: Partial<ServiceInfo>
}

/** What the fake upstream answers when the request gets there. */
export interface FakeUpstreamResponse {
  /** Default 200. */
  status?: number
  /** Default `{}`; names are lower-cased. */
  headers?: Record<string, string | string[]>
  /** Default ''. A list is sent as separate chunks (each one `bodyFilter` call). */
  body?: string | string[]
}

export interface RunPluginOptions {
  /** The plugin folder (`handler.ts`, `schema.ts`); its name is the plugin's name. */
  dir: string
  /** The instance's config, validated against the plugin's schema (defaults filled). Default `{}`. */
  config?: Record<string, unknown>
  request?: FakeRequest
  upstreamResponse?: FakeUpstreamResponse
  /** CPU the plugin may spend on the request, all phases together, ms (the gateway's default 100). */
  cpuMs?: number
  /** Wall time of one phase call, awaited I/O included, ms (default 5000). */
  wallMs?: number
  /** The isolate's heap limit, MB (default 64). */
  memoryMb?: number
}

/** What was sent to the upstream after the plugin's changes. */
export interface UpstreamRequest {
  method: string
  path: string
  /** Raw query string without `?` ('' when none). */
  query: string
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
  /** Lower-cased names; framing headers (content-length, transfer-encoding) are the gateway's and left out. */
  headers: Headers
  body: string
  /** null when the request never reached the upstream (the plugin answered, or failed first). */
  upstream: UpstreamRequest | null
  /** The plugin answered with `kong.response.exit`/`error`. */
  exit: boolean
  logs: PluginLogLine[]
  error: PluginFailure | null
}
