import type { IncomingHttpHeaders } from 'node:http'
import { connectionListed, HOP_BY_HOP } from './hop-by-hop.ts'
import { REQUEST_ID_HEADER } from './request-headers.ts'

export const UPSTREAM_LATENCY_HEADER = 'x-isogate-upstream-latency'
export const PROXY_LATENCY_HEADER = 'x-isogate-proxy-latency'
export const RESPONSE_LATENCY_HEADER = 'x-isogate-response-latency'

/** Set by the gateway on every proxied response; an upstream's own copies are dropped. */
export const GATEWAY_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'via',
  REQUEST_ID_HEADER,
  UPSTREAM_LATENCY_HEADER,
  PROXY_LATENCY_HEADER,
  RESPONSE_LATENCY_HEADER,
])

export interface DownstreamInfo {
  /** `1.1 isogate/<version>` */
  via: string
  /** `isogate/<version>`, sent when the upstream sent no Server header. */
  server: string
  requestId: string
  upstreamLatency: number
  proxyLatency: number
  /** Keep the `Trailer` header (the client asked for trailers with `TE: trailers`). */
  trailers: boolean
  /** Ask the client to close the connection after this response (gateway shutting down). */
  close: boolean
}

/**
 * The client response headers from the upstream's: hop-by-hop ones and any the upstream's
 * `Connection` lists removed, Via appended to, latency and request id headers added.
 * Answers a flat [name, value, ...] list for `res.writeHead`.
 */
export function downstreamHeaders(upstream: IncomingHttpHeaders, info: DownstreamInfo): string[] {
  const out: string[] = []
  let hasServer = false
  for (const name in upstream) {
    const value = upstream[name]
    if (value === undefined || HOP_BY_HOP.has(name) || GATEWAY_RESPONSE_HEADERS.has(name)) {
      if (name === 'trailer' && info.trailers && value !== undefined) push(out, name, value)
      continue
    }
    if (name === 'server') hasServer = true
    push(out, name, value)
  }
  const listed = connectionListed(upstream.connection)
  if (listed !== null) dropListed(out, listed)
  appendProxyHeaders(out, upstream.via, hasServer, info)
  return out
}

/** The gateway's part of a proxied response: Via appended to, Server when none, latencies, request id. */
export function appendProxyHeaders(
  out: string[],
  via: string | string[] | undefined,
  hasServer: boolean,
  info: DownstreamInfo,
): void {
  const upstreamVia = Array.isArray(via) ? via.join(', ') : via
  out.push('via', upstreamVia ? `${upstreamVia}, ${info.via}` : info.via)
  if (!hasServer) out.push('server', info.server)
  out.push(
    UPSTREAM_LATENCY_HEADER,
    String(info.upstreamLatency),
    PROXY_LATENCY_HEADER,
    String(info.proxyLatency),
    REQUEST_ID_HEADER,
    info.requestId,
  )
  if (info.close) out.push('connection', 'close')
}

export function push(out: string[], name: string, value: string | string[]): void {
  if (typeof value === 'string') out.push(name, value)
  else for (const item of value) out.push(name, item)
}

/** Removes headers the upstream named in its Connection header (rare: done after the main pass). */
function dropListed(out: string[], listed: Set<string>): void {
  let w = 0
  for (let r = 0; r < out.length; r += 2) {
    const name = out[r] as string
    if (listed.has(name)) continue
    out[w++] = name
    out[w++] = out[r + 1] as string
  }
  out.length = w
}
