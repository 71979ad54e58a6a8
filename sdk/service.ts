import type {
  BodyMimeType,
  HeaderInput,
  HeaderMap,
  HeaderValue,
  HttpMethod,
  QueryArgs,
  QueryInput,
} from './values.ts'

/** kong.service.request: the request sent upstream (rewrite and access). */
export interface ServiceRequestSetters {
  setScheme(scheme: 'http' | 'https'): void
  /** Must start with `/`; characters not allowed in a path are percent-encoded. */
  setPath(path: string): void
  setRawQuery(query: string): void
  /** Keys in lexicographical order, values URL-encoded; `true` gives a bare key. */
  setQuery(args: Record<string, QueryInput>): void
  clearQueryArg(name: string): void
  setMethod(method: HttpMethod): void
  setHeader(name: string, value: HeaderValue): void
  addHeader(name: string, value: HeaderValue): void
  clearHeader(name: string): void
  setHeaders(headers: HeaderInput): void
  setRawBody(body: string | Uint8Array): void
  /** Encodes `args` as form, JSON or multipart (by `mimetype` or the request's Content-Type). */
  setBody(args: object, mimetype?: BodyMimeType): true
}

/** kong.service.response: what the upstream answered (response phase on). */
export interface ServiceResponseReaders {
  getStatus(): number | null
  getHeader(name: string): string | null
  getHeaders(maxHeaders?: number): HeaderMap
  getRawBody(): Promise<string>
  getBody<T = QueryArgs | Record<string, unknown> | unknown[]>(
    mimetype?: BodyMimeType,
    maxArgs?: number,
  ): Promise<T>
}

/** kong.service in rewrite. */
export interface RewriteService {
  /** Connect to `host:port` instead of the service's target. */
  setTarget(host: string, port: number): void
  request: ServiceRequestSetters
}

/** kong.service in access. */
export interface AccessService extends RewriteService {
  /** 0..32767. */
  setRetries(retries: number): void
  /** Milliseconds, 1..2147483646 each. */
  setTimeouts(connectTimeout: number, writeTimeout: number, readTimeout: number): void
}

/** kong.service after the upstream answered. */
export interface LaterService {
  response: ServiceResponseReaders
}
