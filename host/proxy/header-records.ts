import type { IncomingHttpHeaders } from 'node:http'
import { connectionListed, HOP_BY_HOP } from './hop-by-hop.ts'
import { REQUEST_ID_HEADER } from './request-headers.ts'
import {
  appendProxyHeaders,
  type DownstreamInfo,
  GATEWAY_RESPONSE_HEADERS,
  PROXY_LATENCY_HEADER,
  push,
  RESPONSE_LATENCY_HEADER,
  UPSTREAM_LATENCY_HEADER,
} from './response-headers.ts'

/** Headers as plugins see and return them (names lower-cased by the runtime; compared in any case here). */
export type HeaderRecord = Record<string, string | string[]>

/** How a response announces its length: the record's own Content-Length, none (chunked), or this many bytes. */
export type Framing = 'as-is' | 'chunked' | number

/**
 * The upstream's response headers as plugins get them: without hop-by-hop headers, those the
 * upstream's `Connection` lists and the gateway's own (Via stays: the gateway appends to it later).
 */
export function serviceHeaderRecord(upstream: IncomingHttpHeaders, trailers: boolean): HeaderRecord {
  const listed = connectionListed(upstream.connection)
  const out: HeaderRecord = {}
  for (const name in upstream) {
    const value = upstream[name]
    if (value === undefined || listed?.has(name)) continue
    if (HOP_BY_HOP.has(name) && !(name === 'trailer' && trailers)) continue
    if (name !== 'via' && GATEWAY_RESPONSE_HEADERS.has(name)) continue
    out[name] = value
  }
  return out
}

/** A proxied response's headers after plugins: theirs, then the gateway's (as Kong's header_filter `after`). */
export function proxiedHeaderList(record: HeaderRecord, info: DownstreamInfo, framing: Framing): string[] {
  const out: string[] = []
  let via: string | string[] | undefined
  let hasServer = false
  for (const name in record) {
    const lower = name.toLowerCase()
    const value = record[name] as string | string[]
    if (lower === 'via') via = value
    if (GATEWAY_RESPONSE_HEADERS.has(lower) || lower === 'transfer-encoding' || lower === 'connection')
      continue
    if (lower === 'content-length' && framing !== 'as-is') continue
    if (lower === 'server') hasServer = true
    push(out, lower, value)
  }
  if (typeof framing === 'number') out.push('content-length', String(framing))
  appendProxyHeaders(out, via, hasServer, info)
  return out
}

/** Set by the gateway on the answers it makes: a plugin's copies are replaced (Kong's header_filter `after`). */
const ANSWER_OWNED: ReadonlySet<string> = new Set([
  'content-length',
  'transfer-encoding',
  'server',
  REQUEST_ID_HEADER,
  UPSTREAM_LATENCY_HEADER,
  PROXY_LATENCY_HEADER,
  RESPONSE_LATENCY_HEADER,
])

/**
 * A gateway-made answer's headers: the record's, then `gateway` (a flat list: Server, request id,
 * latency), the body length (none for 204 and 304) and `connection: close` when asked.
 */
export function answerHeaderList(
  record: HeaderRecord,
  gateway: readonly string[],
  status: number,
  length: number,
  close: boolean,
): string[] {
  const out: string[] = []
  for (const name in record) {
    const lower = name.toLowerCase()
    if (!ANSWER_OWNED.has(lower)) push(out, lower, record[name] as string | string[])
  }
  out.push(...gateway)
  if (status !== 204 && status !== 304) out.push('content-length', String(length))
  if (close) out.push('connection', 'close')
  return out
}

/** No body goes with this response (HEAD, 1xx, 204, 304): its headers are sent as they are. */
export function bodiless(method: string | undefined, status: number): boolean {
  return method === 'HEAD' || status < 200 || status === 204 || status === 304
}
