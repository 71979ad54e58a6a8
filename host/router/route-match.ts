import type { Matcher } from './matcher.ts'
import { escapePath } from './normalize.ts'
import type { PathHit } from './test-matcher.ts'
import type { RouteMatch, RouteRequest } from './types.ts'
import { upstreamPath } from './upstream-path.ts'

/**
 * Kong's `uri_captures`: "0" (the whole match), every matched positional group by its number and
 * every matched named group by its name; null when no group beyond "0" matched.
 */
function uriCaptures(m: RegExpExecArray): Record<string, string> | null {
  let captures: Record<string, string> | null = null
  for (let i = 1; i < m.length; i++) {
    const value = m[i]
    if (value === undefined) continue
    captures ??= { '0': m[0] }
    captures[String(i)] = value
  }
  if (captures !== null && m.groups !== undefined) {
    for (const [name, value] of Object.entries(m.groups)) if (value !== undefined) captures[name] = value
  }
  return captures
}

/** The Host header as the client sent it (port included); null without one, as Kong does. */
function clientHost(req: RouteRequest): string | null {
  const host = req.headers.host
  if (typeof host === 'string') return host
  return host?.[0] ?? null
}

/** Builds the match for a matcher that accepted the request (`path`: the normalised path). */
export function buildMatch(matcher: Matcher, hit: PathHit, req: RouteRequest, path: string): RouteMatch {
  const { route } = matcher
  let matchedPath: string | null = null
  let captures: Record<string, string> | null = null
  if (typeof hit === 'string') {
    matchedPath = hit
  } else if (typeof hit === 'object') {
    matchedPath = hit[0]
    captures = uriCaptures(hit)
  }
  const stripPath = route.strip_path !== false
  const joined = upstreamPath({
    pathHandling: route.path_handling === 'v1' ? 'v1' : 'v0',
    stripPath,
    servicePath: matcher.servicePath,
    requestPath: path,
    matchedPath,
  })
  return {
    route,
    service: matcher.service,
    upstreamPath: escapePath(joined),
    upstreamHost: route.preserve_host ? clientHost(req) : null,
    uriCaptures: captures,
    prefix: stripPath ? matchedPath : null,
  }
}
