/** Origin parsing and matching as Kong's cors plugin does it (luasocket's url.parse, PCRE regexes). */

export interface NormalizedOrigin {
  /** `scheme://host[:port]` without a default port (80 for http, 443 for https). */
  domain: string
  host: string
}

/**
 * luasocket's reading of an origin: an optional scheme, then `//authority` up to the next `/`
 * (user info dropped, the port after the last `:`, IPv6 brackets removed). Without an authority
 * the origin is taken as it is.
 */
export function normalizeOrigin(origin: string): NormalizedOrigin {
  const scheme = /^([A-Za-z0-9][A-Za-z0-9+.-]*):/.exec(origin)
  const rest = scheme ? origin.slice(scheme[0].length) : origin
  const authority = /^\/\/([^/]*)/.exec(rest)?.[1]?.replace(/^[^@]*@/, '')
  if (authority === undefined) return { domain: origin, host: origin }
  const portMatch = /:([^:\]]*)$/.exec(authority)
  const hostPart = portMatch ? authority.slice(0, portMatch.index) : authority
  if (hostPart === '') return { domain: origin, host: origin }
  const host = /^\[(.+)\]$/.exec(hostPart)?.[1] ?? hostPart
  let port = portMatch?.[1]
  const name = scheme?.[1]
  if ((name === 'http' && port === '80') || (name === 'https' && port === '443')) port = undefined
  return {
    domain: `${name === undefined ? '' : `${name}://`}${host}${port === undefined ? '' : `:${port}`}`,
    host,
  }
}

/** A configured origin ready for matching. */
export type AllowedOrigin =
  | { kind: 'exact'; domain: string }
  /** `regex` null when it does not compile as a JavaScript regex (it then matches nothing). */
  | { kind: 'regex'; source: string; regex: RegExp | null; byHost: boolean }

export interface AllowedOrigins {
  /** One of the entries is `*`. */
  any: boolean
  list: AllowedOrigin[]
}

/** Only these characters: a plain origin, not a regex. */
export const PLAIN_ORIGIN = /^[A-Za-z0-9.:/-]+$/

/**
 * Kong's regex entries are anchored at the start (PCRE's anchored flag) and get a `$` appended
 * unless they end with one; a leading `^` is dropped. Entries without `:` match the host only.
 */
function compileOne(entry: string): AllowedOrigin {
  if (PLAIN_ORIGIN.test(entry)) return { kind: 'exact', domain: normalizeOrigin(entry).domain }
  let source = entry.endsWith('$') ? entry : `${entry}$`
  if (source.startsWith('^')) source = source.slice(1)
  let regex: RegExp | null = null
  try {
    regex = new RegExp(`^(?:${source})`)
  } catch {
    regex = null
  }
  return { kind: 'regex', source, regex, byHost: !entry.includes(':') }
}

const compiled = new WeakMap<readonly string[], AllowedOrigins>()

/** The configured origins, compiled once per configuration. */
export function allowedOrigins(origins: readonly string[]): AllowedOrigins {
  let found = compiled.get(origins)
  if (!found) {
    found = { any: origins.includes('*'), list: origins.filter((entry) => entry !== '*').map(compileOne) }
    compiled.set(origins, found)
  }
  return found
}

/** Whether the request's (normalized) origin is allowed; regexes that do not compile are reported. */
export function originAllowed(
  allowed: AllowedOrigins,
  origin: NormalizedOrigin,
  report: (message: string) => void,
): boolean {
  for (const entry of allowed.list) {
    if (entry.kind === 'exact') {
      if (entry.domain === origin.domain) return true
      continue
    }
    if (!entry.regex) {
      report(`could not search for domain: cannot compile ${entry.source}`)
      continue
    }
    if (entry.regex.test(entry.byHost ? origin.host : origin.domain)) return true
  }
  return false
}
