import type { IncomingHttpHeaders } from 'node:http'

/** Hop-by-hop headers: a proxy never forwards them (RFC 9110 §7.6.1). */
const HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
])

/**
 * A header map without hop-by-hop headers and undefined values (names are lower case already):
 * what the bench's minimal proxies forward.
 */
export function endToEnd(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP.has(name)) out[name] = value
  }
  return out
}
