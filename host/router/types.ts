import type { Route, Service } from '../entities/types.ts'

/** What the router looks at in a request. */
export interface RouteRequest {
  method: string
  /** Host header value without the port, lower-cased. */
  host: string
  /** Port the client connected to (or the Host header's port). */
  port: number
  /** Raw request path (percent-encoded as received), without the query string. */
  path: string
  /**
   * Request headers, names lower-cased (node:http's `req.headers`). Kong matches each header line on
   * its own: pass `req.headersDistinct` for that; `req.headers` joins repeated lines with ", ".
   * The `host` entry is the Host header as sent (used for `preserve_host`).
   */
  headers: Record<string, string | string[] | undefined>
  scheme: 'http' | 'https'
  /** TLS server name sent by the client (https only); needed only by routes with `snis`. */
  sni?: string | null
}

export interface RouteMatch {
  route: Route
  /** Null when the route has no service (Kong answers 503 for such routes... see router docs). */
  service: Service | null
  /**
   * Path to send upstream: service path joined with the normalised request path (strip_path,
   * path_handling applied), percent-escaped as Kong does before proxying; no query string.
   */
  upstreamPath: string
  /** The Host header to send upstream: the client's when preserve_host, else null (use the service host). */
  upstreamHost: string | null
  /** Named and positional captures of the matched regex path, as Kong exposes them. */
  uriCaptures: Record<string, string> | null
  /** The matched path prefix removed by strip_path (Kong's `match_t.prefix`), else null. */
  prefix: string | null
}

/** A route the router could not use, and why (Kong logs these and routes without them). */
export interface SkippedRoute {
  routeId: string
  reason: string
}

/** Immutable; a configuration change builds a new one and swaps it in. */
export interface Router {
  match(request: RouteRequest): RouteMatch | null
  /** Number of routes it was built with (for status output). */
  readonly size: number
  /** Routes left out of the router (unusable regex, missing service, ...). */
  readonly skipped: readonly SkippedRoute[]
}
