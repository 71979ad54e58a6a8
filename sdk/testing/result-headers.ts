import { VERSION } from '../../host/gateway/index.ts'
import { GATEWAY_RESPONSE_HEADERS, GATEWAY_UPSTREAM_HEADERS, HOP_BY_HOP } from '../../host/proxy/index.ts'
import type { Headers } from '../../runtime/protocol.ts'
import { lowerCased } from './fake-request.ts'

/** Framing is the gateway's business: its value depends on how the answer is written. */
const FRAMING = ['content-length', 'transfer-encoding']

/**
 * The response as the plugin author expects it: what the upstream or the plugin set. Left out:
 * framing and hop-by-hop headers, the gateway's Via, request id and latency headers, its Server
 * header (`isogate/<version>`) and a Date the fake upstream did not send (the gateway's).
 */
export function clientHeaders(
  headers: Record<string, string | string[] | undefined>,
  fromUpstream: Record<string, string | string[]> = {},
): Headers {
  const given = lowerCased(fromUpstream)
  const out: Headers = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || FRAMING.includes(name) || HOP_BY_HOP.has(name)) continue
    if (GATEWAY_RESPONSE_HEADERS.has(name)) continue
    if (name === 'server' && value === `isogate/${VERSION}`) continue
    if (name === 'date' && given.date === undefined) continue
    out[name] = value
  }
  return out
}

/**
 * What the upstream got, minus the headers the gateway writes itself on every upstream request
 * whatever the plugin did (framing, hop-by-hop, X-Forwarded-*, X-Real-IP, Via, the request id).
 * Host stays: the route preserves the client's Host.
 */
export function upstreamHeaders(headers: Headers): Headers {
  const out: Headers = {}
  for (const [name, value] of Object.entries(headers)) {
    if (HOP_BY_HOP.has(name) || (GATEWAY_UPSTREAM_HEADERS.has(name) && name !== 'host')) continue
    out[name] = value
  }
  return out
}
