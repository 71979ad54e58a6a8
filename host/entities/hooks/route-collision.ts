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

interface Probe {
  method: string | null
  host: string | null
  path: string
  headers: Record<string, string[]>
}

const STREAM = new Set(['tcp', 'tls', 'udp', 'tls_passthrough'])
const isHttp = (route: Route) => route.protocols.some((protocol) => !STREAM.has(protocol))

const concreteHost = (host: string) => host.toLowerCase().replace('*', 'isogate-probe')
const literalPrefix = (path: string) =>
  path.startsWith('~') ? (/^[^\\^$.|?*+()[\]{}]*/.exec(path.slice(1))?.[0] ?? '/') : path

function probesOf(route: Route): Probe[] {
  const methods = route.methods?.length ? route.methods : [null]
  const hosts = route.hosts?.length ? route.hosts.map(concreteHost) : [null]
  const paths = route.paths?.length ? route.paths.map(literalPrefix) : ['/']
  const headers = Object.fromEntries(
    Object.entries(route.headers ?? {}).map(([name, values]) => [
      name.toLowerCase(),
      values.map((v) => v.toLowerCase()),
    ]),
  )
  return methods.flatMap((method) =>
    hosts.flatMap((host) => paths.map((path) => ({ method, host, path, headers }))),
  )
}

function hostMatches(pattern: string, host: string): boolean {
  const wanted = pattern.toLowerCase()
  if (wanted.startsWith('*.')) return host.endsWith(wanted.slice(1))
  if (wanted.endsWith('.*')) return host.startsWith(wanted.slice(0, -1))
  return wanted === host
}

function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.startsWith('~')) return path.startsWith(pattern)
  try {
    return new RegExp(`^(?:${pattern.slice(1)})`).test(path)
  } catch {
    return false
  }
}

function matches(route: Route, probe: Probe): boolean {
  if (
    route.hosts?.length &&
    (probe.host === null || !route.hosts.some((host) => hostMatches(host, probe.host as string)))
  ) {
    return false
  }
  if (route.paths?.length && !route.paths.some((path) => pathMatches(path, probe.path))) return false
  if (route.methods?.length && probe.method !== null && !route.methods.includes(probe.method)) return false
  return Object.entries(route.headers ?? {}).every(([name, values]) => {
    const given = probe.headers[name.toLowerCase()]
    return given?.some((value) => values.some((wanted) => wanted.toLowerCase() === value)) ?? false
  })
}

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
  for (const probe of probesOf(route)) {
    if (others.some((other) => matches(other, probe))) {
      throw new GatewayError('UNIQUE_VIOLATION', 'API route collides with an existing API')
    }
  }
}
