import type { Route, Service } from '../entities/types.ts'
import { compileRoute } from './compile-route.ts'
import { HostIndex } from './host-index.ts'
import { MatchCache } from './match-cache.ts'
import type { Matcher } from './matcher.ts'
import { normalizePath } from './normalize.ts'
import { PrefixTree } from './prefix-tree.ts'
import { comparePriority } from './priority.ts'
import { buildMatch } from './route-match.ts'
import { type PathHit, testMatcher } from './test-matcher.ts'
import type { RouteMatch, RouteRequest, Router, SkippedRoute } from './types.ts'

/**
 * With this many matchers that are tried on every request or are regexes, a miss can cost a long
 * scan, and the match cache pays for its key; below it, matching is cheaper than the key.
 */
const CACHE_MIN_COSTLY = 64

/** Protocols of Kong's http subsystem (`PROTOCOLS_WITH_SUBSYSTEM`); stream routes need another router. */
const HTTP_PROTOCOLS = new Set(['http', 'https', 'grpc', 'grpcs', 'ws', 'wss'])

function hasCriteria(route: Route): boolean {
  const some = (list: readonly unknown[] | null) => list !== null && list.length > 0
  return (
    some(route.methods) ||
    some(route.hosts) ||
    some(route.paths) ||
    some(route.snis) ||
    (route.headers !== null && Object.values(route.headers).some(some))
  )
}

/**
 * Which service a route proxies to, as Kong's `new_router` (kong/runloop/handler.lua) decides:
 * `undefined` leaves the route out (its service is disabled), a stream service counts as none.
 */
function resolveService(
  route: Route,
  services: Map<string, Service>,
  skipped: SkippedRoute[],
): Service | null | undefined {
  if (route.service === null) return null
  const service = services.get(route.service.id)
  if (service === undefined) {
    skipped.push({ routeId: route.id, reason: `could not find service for route (${route.id})` })
    return undefined
  }
  if (service.enabled === false) return undefined
  return HTTP_PROTOCOLS.has(service.protocol) ? service : null
}

function compileAll(routes: Route[], services: Service[]) {
  const servicesById = new Map(services.map((s) => [s.id, s]))
  const skipped: SkippedRoute[] = []
  const matchers: Matcher[] = []
  let size = 0
  for (const route of routes) {
    if (!route.protocols.some((p) => HTTP_PROTOCOLS.has(p))) continue
    const service = resolveService(route, servicesById, skipped)
    if (service === undefined) continue
    if (!hasCriteria(route)) {
      skipped.push({ routeId: route.id, reason: 'could not categorize route' })
      continue
    }
    try {
      matchers.push(...compileRoute(route, service))
      size++
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      skipped.push({ routeId: route.id, reason: `could not compile route: ${reason}` })
    }
  }
  matchers.sort((a, b) => comparePriority(a.priority, b.priority))
  return { matchers, skipped, size }
}

/**
 * Builds the immutable router of one configuration: the routes of every workspace, since they share
 * the proxy listener. Matchers are sorted by Kong's precedence (priority.ts) and indexed by host, by
 * path prefix (or a regex's literal start), with the rest always tried; a request tests only the
 * candidates, highest precedence first, and the first that accepts it wins.
 */
export function buildRouter(routes: Route[], services: Service[]): Router {
  const { matchers, skipped, size } = compileAll(routes, services)
  const hosts = new HostIndex()
  const paths = new PrefixTree()
  const always: number[] = []
  matchers.forEach((m, rank) => {
    if (m.hosts?.every(HostIndex.canIndex)) {
      for (const rule of m.hosts) hosts.insert(rule, rank)
    } else if (m.hosts === null && m.pathKeys !== null) {
      for (const key of m.pathKeys) paths.insert(key, rank)
    } else {
      always.push(rank)
    }
  })

  const headerNames = [...new Set(matchers.flatMap((m) => m.headers?.map((h) => h.name) ?? []))]
  const costly = always.length + matchers.filter((m) => m.regexes !== null).length
  const cache = costly >= CACHE_MIN_COSTLY ? new MatchCache(headerNames) : null

  // Scratch space reused by every call: select() is synchronous, so calls never overlap.
  const lists: number[][] = []
  const cursors: number[] = []
  let selectedHit: PathHit = false

  /** The rank of the first matcher that accepts the request (its hit in `selectedHit`), or -1. */
  function select(req: RouteRequest, path: string): number {
    lists.length = 0
    hosts.collect(req.host, lists)
    paths.collect(path, lists)
    if (always.length > 0) lists.push(always)
    for (let k = 0; k < lists.length; k++) cursors[k] = 0
    let last = -1
    // Each round tests the lowest untested rank among the candidate lists: bounded by their total size.
    for (;;) {
      let best = -1
      for (let k = 0; k < lists.length; k++) {
        const list = lists[k]!
        let at = cursors[k]!
        while (at < list.length && list[at]! <= last) at++
        cursors[k] = at
        if (at < list.length && (best === -1 || list[at]! < best)) best = list[at]!
      }
      if (best === -1) return -1
      last = best
      selectedHit = testMatcher(matchers[best]!, req, path)
      if (selectedHit !== false) return best
    }
  }

  function match(req: RouteRequest): RouteMatch | null {
    const path = normalizePath(req.path)
    if (cache === null) {
      const rank = select(req, path)
      return rank === -1 ? null : buildMatch(matchers[rank]!, selectedHit, req, path)
    }
    const key = cache.key(req, path)
    let cached = cache.get(key)
    if (cached === undefined) cached = cache.remember(key, select(req, path), selectedHit)
    return cached.rank === -1 ? null : buildMatch(matchers[cached.rank]!, cached.hit, req, path)
  }

  return Object.freeze({ match, size, skipped: Object.freeze(skipped) })
}
