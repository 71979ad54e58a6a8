import { GatewayError } from '../../errors/index.ts'
import type { Db } from '../../storage/index.ts'
import { fromColumns } from '../dao/rows.ts'
import { routesSchema } from '../schemas/routes.ts'

/**
 * Kong Enterprise's cross-workspace route collision check (route_validation_strategy = smart),
 * as isogate implements it. Workspaces belong to different teams, so a route may not take
 * traffic that a route of another workspace receives today ("API route collides with an existing
 * API", 409). The rule:
 *
 * 1. From the new or changed route, build probe requests: every combination of its methods (or
 *    "any method"), hosts (or "no Host"; a wildcard label becomes a concrete label) and paths
 *    (or "/"; a regex path contributes its literal prefix), carrying its headers.
 * 2. The route collides when a route of another workspace matches a probe: its hosts are empty
 *    or one of them matches the probe's (exact, or wildcard), its paths are empty or one is a
 *    prefix of (or a regex matching) the probe path, its methods are empty or include the probe
 *    method ("any method" matches every method list), and every header it requires is on the
 *    probe with one of its values.
 *
 * So a catch-all `/` route in one workspace blocks a `/foo` route without hosts in another (the
 * catch-all receives that traffic now), while a more generic route (`/` after `/foo`, or no host
 * after a host) is allowed: Kong's precedence keeps the specific route's traffic where it is.
 * Only HTTP-family routes are compared; stream routes (sources, destinations, SNIs) are not.
 */
type Route = {
  id: string
  protocols: string[]
  methods: string[] | null
  hosts: string[] | null
  paths: string[] | null
  headers: Record<string, string[]> | null
}

/**
 * The probes of a route, one list per dimension. A probe is one method, one host and one path with
 * the route's headers; since each part of a match looks at one dimension only, "some probe matches"
 * is "some method, some host and some path match": checked per dimension, so the cost grows with
 * the sum of the lists, not their product (1,000 each would be 10^9 probes).
 */
interface Probes {
  methods: (string | null)[]
  hosts: (string | null)[]
  paths: string[]
  headers: Record<string, string[]>
}

const STREAM = new Set(['tcp', 'tls', 'udp', 'tls_passthrough'])
const isHttp = (route: Route) => route.protocols.some((protocol) => !STREAM.has(protocol))

const concreteHost = (host: string) => host.toLowerCase().replace('*', 'isogate-probe')
const literalPrefix = (path: string) =>
  path.startsWith('~') ? (/^[^\\^$.|?*+()[\]{}]*/.exec(path.slice(1))?.[0] ?? '/') : path

function probesOf(route: Route): Probes {
  return {
    methods: route.methods?.length ? route.methods : [null],
    hosts: route.hosts?.length ? route.hosts.map(concreteHost) : [null],
    paths: route.paths?.length ? route.paths.map(literalPrefix) : ['/'],
    headers: Object.fromEntries(
      Object.entries(route.headers ?? {}).map(([name, values]) => [
        name.toLowerCase(),
        values.map((v) => v.toLowerCase()),
      ]),
    ),
  }
}

function hostMatches(pattern: string, host: string): boolean {
  const wanted = pattern.toLowerCase()
  if (wanted.startsWith('*.')) return host.endsWith(wanted.slice(1))
  if (wanted.endsWith('.*')) return host.startsWith(wanted.slice(0, -1))
  return wanted === host
}

/** A path pattern as a test, its regex compiled once per check rather than once per probe path. */
function pathTest(pattern: string): (path: string) => boolean {
  if (!pattern.startsWith('~')) return (path) => path.startsWith(pattern)
  try {
    const regex = new RegExp(`^(?:${pattern.slice(1)})`)
    return (path) => regex.test(path)
  } catch {
    return () => false
  }
}

function hostsMatch(route: Route, hosts: (string | null)[]): boolean {
  if (!route.hosts?.length) return true
  const exact = new Set<string>()
  const wildcards: string[] = []
  for (const host of route.hosts) {
    if (host.startsWith('*.') || host.endsWith('.*')) wildcards.push(host)
    else exact.add(host.toLowerCase())
  }
  return hosts.some(
    (host) => host !== null && (exact.has(host) || wildcards.some((pattern) => hostMatches(pattern, host))),
  )
}

function pathsMatch(route: Route, paths: string[]): boolean {
  if (!route.paths?.length) return true
  const tests = route.paths.map(pathTest)
  return paths.some((path) => tests.some((test) => test(path)))
}

function methodsMatch(route: Route, methods: (string | null)[]): boolean {
  if (!route.methods?.length) return true
  const allowed = new Set(route.methods)
  return methods.some((method) => method === null || allowed.has(method))
}

function headersMatch(route: Route, headers: Record<string, string[]>): boolean {
  return Object.entries(route.headers ?? {}).every(([name, values]) => {
    const given = headers[name.toLowerCase()]
    return given?.some((value) => values.some((wanted) => wanted.toLowerCase() === value)) ?? false
  })
}

const matches = (route: Route, probes: Probes): boolean =>
  headersMatch(route, probes.headers) &&
  methodsMatch(route, probes.methods) &&
  hostsMatch(route, probes.hosts) &&
  pathsMatch(route, probes.paths)

export async function checkRouteCollision(db: Db, ws: string, route: Route): Promise<void> {
  if (!isHttp(route)) return
  const rows = await db
    .selectFrom('routes')
    .selectAll()
    .where('ws_id', '!=', ws)
    .where('id', '!=', route.id)
    .execute()
  const others = rows.map((row) => fromColumns<Route>(routesSchema, row)).filter(isHttp)
  if (others.length === 0) return
  const probes = probesOf(route)
  if (others.some((other) => matches(other, probes))) {
    throw new GatewayError('UNIQUE_VIOLATION', 'API route collides with an existing API')
  }
}
