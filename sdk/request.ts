import type { BodyMimeType, HeaderMap, QueryArgs } from './values.ts'

/** kong.request getters: every request phase. Reads are local and synchronous. */
export interface RequestReaders {
  getScheme(): string
  getHost(): string
  getPort(): number
  /** X-Forwarded-Proto when the peer is in trusted_ips, else getScheme(). */
  getForwardedScheme(): string
  getForwardedHost(): string
  getForwardedPort(): number
  getForwardedPath(): string
  /** The prefix the router stripped (or a trusted X-Forwarded-Prefix); null when none. */
  getForwardedPrefix(): string | null
  getHttpVersion(): number | null
  getMethod(): string
  /** The normalized path (dot segments removed, slashes merged, unreserved escapes decoded). */
  getPath(): string
  getRawPath(): string
  getPathWithQuery(): string
  getRawQuery(): string
  /** First value of a query argument; `true` for a bare key; null when absent. */
  getQueryArg(name: string): string | true | null
  /** At most `maxArgs` (1..1000, default 100) arguments. */
  getQuery(maxArgs?: number): QueryArgs
  /** Case-insensitive; `_` may stand for `-`. First value when repeated; null when absent. */
  getHeader(name: string): string | null
  getHeaders(maxHeaders?: number): HeaderMap
  /** When the request arrived, ms since the epoch. */
  getStartTime(): number
  getUriCaptures(): { unnamed: string[]; named: Record<string, string> }
}

/** kong.request body readers: rewrite, access and response. They ask the host, hence promises. */
export interface RequestBodyReaders {
  /** The body as UTF-8 text. */
  getRawBody(): Promise<string>
  /**
   * The body parsed by `mimetype` or the request's Content-Type: form (QueryArgs), JSON, or
   * multipart (name → value). Rejects with a PDKError (`missing content type`, `invalid json
   * body`, `unsupported content type '...'`) where Kong returns `nil, err`.
   */
  getBody<T = QueryArgs | Record<string, unknown> | unknown[]>(
    mimetype?: BodyMimeType,
    maxArgs?: number,
  ): Promise<T>
}

export type RequestWithBody = RequestReaders & RequestBodyReaders
