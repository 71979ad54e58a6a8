import type { IncomingMessage } from 'node:http'
import type { RouteMatch } from '../router/types.ts'

/**
 * How the proxy hands a request to the plugin runtime, without knowing about isolates. The runtime
 * (host/chain) implements it; the proxy calls it at Kong's phase points. Every method that runs
 * plugin code is async and never rejects: failures come back as `PluginFailure`s the proxy turns
 * into Kong's 500/503 answers.
 */
export interface PluginHooks {
  /**
   * A request was routed (`match`, null when no route matched: then only the workspace-less
   * global plugins of `default` run, as on Kong's 404). Returns null when no plugin has anything
   * to do for it, so a request without plugins costs one call and no allocation.
   */
  begin(request: PluginRequestInfo): PluginRequest | null
}

export interface PluginRequestInfo {
  req: IncomingMessage
  requestId: string
  /** Date.now() at arrival. */
  startedAtMs: number
  clientIp: string
  /** Whether the client address is in trusted_ips (forwarded getters). */
  trusted: boolean
  host: string
  port: number
  /** Raw path and query as received. */
  path: string
  rawQuery: string
  match: RouteMatch | null
}

/** What the log phase learns about the response that went out (Kong's serializer inputs). */
export interface LogFacts {
  status: number
  /** The response headers as sent. */
  headers: Record<string, string | string[]>
  bytesReceived: number
  bytesSent: number
  /** ms: `proxy` until the upstream attempt, `upstream` its duration, `request` in all (null: not proxied). */
  latencies: { proxy: number | null; upstream: number | null; request: number }
}

/** The gateway answers instead of the upstream (a plugin's exit, or a plugin failure). */
export interface GatewayAnswer {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer | null
}

export interface PluginFailure {
  /** 500 for a plugin exception or a refused bridge message, 503 for a limit. */
  status: 500 | 503
}

/** What plugins did to the upstream request during rewrite/access. */
export interface UpstreamChanges {
  method: string
  /** Path and query to request upstream (already joined, percent-encoded as given). */
  path: string
  rawQuery: string
  /** The request headers as plugins left them (the proxy still adds X-Forwarded-*, Via, ...). */
  headers: Record<string, string | string[]>
  /** Replaces the client's body when set (the client's body was read, or a plugin set one). */
  body: Buffer | null
  /** kong.service.setTarget: host normalised (IP literals canonical), and who set it. */
  target: { host: string; port: number; plugin: string; workspace: string } | null
  retries: number | null
  timeouts: { connect: number; write: number; read: number } | null
}

/** What headerFilter leaves of the response head. */
export type FilteredHead = { status: number; headers: Record<string, string | string[]> }

export type AccessOutcome =
  | { kind: 'proxy'; upstream: UpstreamChanges }
  | { kind: 'answer'; answer: GatewayAnswer; failure: PluginFailure | null }

/**
 * One request's plugin work. Methods are called in phase order, each at most once (bodyFilter per
 * chunk). They answer at once when every plugin call did (the common case), a promise otherwise;
 * a failure is a rejected promise, never a throw.
 */
export interface PluginRequest {
  /** Some plugin implements `response`: read the whole upstream body, then call `response`. */
  readonly buffered: boolean
  readonly hasHeaderFilter: boolean
  readonly hasBodyFilter: boolean
  /** Some plugin's configuration needs `log`: only then does the proxy build `LogFacts` and call `log`. */
  readonly hasLog: boolean
  /**
   * rewrite (global plugins) + access; resolves with how to go on. With no route matched only
   * rewrite runs, and `proxy` means "no exit": the proxy then answers its 404 as usual (through
   * headerFilter/bodyFilter/log).
   */
  access(): AccessOutcome | Promise<AccessOutcome>
  /**
   * Buffered mode: the upstream's full response; plugins may change status, headers and body.
   * A failure replaces the response with Kong's error answer.
   */
  response(
    status: number,
    headers: Record<string, string | string[]>,
    body: Buffer,
  ): GatewayAnswer | Promise<GatewayAnswer>
  /**
   * Before the response headers go out (the upstream's, a plugin exit's or a gateway error's):
   * the headers and status to send. `source` is Kong's `kong.response.getSource()`.
   */
  headerFilter(
    status: number,
    headers: Record<string, string | string[]>,
    source: 'service' | 'exit' | 'error',
  ): FilteredHead | Promise<FilteredHead>
  /** Each response body chunk (eof on the last, possibly empty): what to send instead. */
  bodyFilter(chunk: Buffer, eof: boolean): Buffer | Promise<Buffer>
  /** After the response was sent (never delays the client), with what was sent. */
  log(facts: LogFacts): void
  /** The request ended (finished or aborted): release isolates and per-request state. */
  end(): void
}
