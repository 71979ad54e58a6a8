import type { IncomingMessage } from 'node:http'
import { connectionListed, HOP_BY_HOP, wantsTrailers } from './hop-by-hop.ts'

export const REQUEST_ID_HEADER = 'x-isogate-request-id'

/** Headers the gateway sets itself upstream; incoming copies are dropped first. */
export const GATEWAY_UPSTREAM_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  // undici refuses it; the gateway answers `Expect: 100-continue` itself.
  'expect',
  'via',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-path',
  'x-forwarded-prefix',
  'x-real-ip',
  REQUEST_ID_HEADER,
])

/** What the gateway knows about a request when it builds the upstream headers. */
export interface Forwarding {
  /** Address that connected to us (nginx $realip_remote_addr). */
  peer: string
  /** Client address after real-IP processing (nginx $remote_addr). */
  clientIp: string
  trusted: boolean
  scheme: 'http' | 'https'
  /** Host header without port, lower-cased (nginx $host). */
  host: string
  /** Port the client connected to. */
  port: number
  /** Raw request path without the query. */
  path: string
  /** Path prefix the route stripped, null when none. */
  strippedPrefix: string | null
  /** Host header to send upstream. */
  upstreamHost: string
  requestId: string
  via: string
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value

/**
 * The upstream request headers as Kong sends them: the client's headers minus hop-by-hop ones,
 * then Host, X-Forwarded-*, X-Real-IP, Via and the request id. Incoming X-Forwarded-Proto/-Host/
 * -Port/-Path/-Prefix are kept only from trusted peers; X-Forwarded-For is always appended to.
 * Answers a flat [name, value, ...] list for undici.
 */
export function upstreamHeaders(req: IncomingMessage, fwd: Forwarding, hasBody: boolean): string[] {
  const incoming = req.headers
  const listed = connectionListed(incoming.connection)
  const raw = req.rawHeaders
  const out: string[] = []
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || GATEWAY_UPSTREAM_HEADERS.has(lower) || listed?.has(lower)) continue
    out.push(name, raw[i + 1] as string)
  }
  const contentLength = incoming['content-length']
  appendGatewayHeaders(out, req, fwd, hasBody && contentLength !== undefined ? contentLength : null)
  return out
}

/**
 * The same for a request whose headers plugins rewrote (`headers`, names in any case): the
 * forwarding headers still describe the client's request as it arrived, as Kong's do.
 * `contentLength` is the body's length to announce, null to send none.
 */
export function rewrittenUpstreamHeaders(
  headers: Record<string, string | string[]>,
  req: IncomingMessage,
  fwd: Forwarding,
  contentLength: string | null,
): string[] {
  const listed = connectionListed(req.headers.connection)
  const out: string[] = []
  for (const name in headers) {
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower) || GATEWAY_UPSTREAM_HEADERS.has(lower) || listed?.has(lower)) continue
    const value = headers[name] as string | string[]
    if (typeof value === 'string') out.push(name, value)
    else for (const item of value) out.push(name, item)
  }
  appendGatewayHeaders(out, req, fwd, contentLength)
  return out
}

function appendGatewayHeaders(
  out: string[],
  req: IncomingMessage,
  fwd: Forwarding,
  contentLength: string | null,
) {
  const incoming = req.headers
  out.push('host', fwd.upstreamHost)
  if (contentLength !== null) out.push('content-length', contentLength)
  if (wantsTrailers(single(incoming.te))) out.push('te', 'trailers')

  const xff = incoming['x-forwarded-for']
  out.push('x-forwarded-for', xff ? `${xff}, ${fwd.peer}` : fwd.clientIp)

  const trusted = fwd.trusted
  const proto = (trusted && single(incoming['x-forwarded-proto'])) || fwd.scheme
  const host = (trusted && single(incoming['x-forwarded-host'])) || fwd.host
  const port = (trusted && single(incoming['x-forwarded-port'])) || String(fwd.port)
  const path = (trusted && single(incoming['x-forwarded-path'])) || fwd.path
  const prefix = (trusted && single(incoming['x-forwarded-prefix'])) || fwd.strippedPrefix
  out.push('x-forwarded-proto', proto)
  if (host !== '') out.push('x-forwarded-host', host)
  out.push('x-forwarded-port', port, 'x-forwarded-path', path)
  if (prefix) out.push('x-forwarded-prefix', prefix)
  out.push('x-real-ip', fwd.clientIp)

  const via = single(incoming.via)
  out.push('via', via ? `${via}, ${fwd.via}` : fwd.via)
  out.push(REQUEST_ID_HEADER, fwd.requestId)
}
