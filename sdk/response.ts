import type { HeaderInput, HeaderMap, HeaderValue } from './values.ts'

/** kong.response getters: response, headerFilter, bodyFilter, log. */
export interface ResponseReaders {
  getStatus(): number | null
  getHeader(name: string): string | null
  getHeaders(maxHeaders?: number): HeaderMap
  /** `service` (proxied), `exit` (a plugin's exit), `error` (a gateway error). */
  getSource(): 'service' | 'exit' | 'error'
}

/** kong.response setters: rewrite, access, response, headerFilter. */
export interface ResponseWriters {
  /** 100..599. */
  setStatus(status: number): void
  setHeader(name: string, value: HeaderValue): void
  addHeader(name: string, value: HeaderValue): void
  clearHeader(name: string): void
  setHeaders(headers: HeaderInput): void
}

/** Ends the request with a response of the plugin's making: rewrite, access, response, headerFilter. */
export interface ResponseExits {
  /**
   * A string or binary body is sent as is; an object is sent as JSON (with a JSON Content-Type
   * unless `headers` has one). Code after the call does not run; the remaining plugins of the
   * phase are skipped.
   */
  exit(status: number, body?: string | object | null, headers?: HeaderInput): never
  /** 400..599, Kong's default message for the status, formatted after Accept (JSON, HTML, XML, text). */
  error(status: number, message?: string | object | null, headers?: HeaderInput): never
}

/** bodyFilter only: the body chunk by chunk. */
export interface ResponseBodyFilter {
  /**
   * Buffers the body: null (and nothing sent) until the last chunk, then the whole body as UTF-8
   * text, which that chunk carries.
   */
  getRawBody(): string | null
  /** Replaces the rest of the body and ends it. */
  setRawBody(body: string | Uint8Array): void
}
