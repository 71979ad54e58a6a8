import { describe, expect, it } from 'vitest'
import { buildRouter } from './build-router.ts'
import { makeRequest, makeRoute, makeService } from './fixtures.ts'

type Strip = boolean | boolean[]
type Handling = 'v0' | 'v1' | ('v0' | 'v1')[]
/** service path, route path (null: the route matches on host only), strip_path, path_handling, request, expected */
type Row = [string, string | null, Strip, Handling, string, string]

const both = [false, true]
const v01: ('v0' | 'v1')[] = ['v0', 'v1']

/** Kong's path handling table (spec/fixtures/router_path_handling_tests.lua, Kong 3.x). */
const KONG_ROWS: Row[] = [
  ['/', '/', both, v01, '/', '/'],
  ['/', '/', both, v01, '/route', '/route'],
  ['/', '/', both, v01, '/route/', '/route/'],
  ['/', '/', both, v01, '/routereq', '/routereq'],
  ['/', '/', both, v01, '/route/req', '/route/req'],
  ['/', '/route', false, v01, '/route', '/route'],
  ['/', '/route', false, v01, '/route/', '/route/'],
  ['/', '/route', false, v01, '/routereq', '/routereq'],
  ['/', '/route', true, v01, '/route', '/'],
  ['/', '/route', true, v01, '/route/', '/'],
  ['/', '/route', true, v01, '/routereq', '/req'],
  ['/', '/route/', false, v01, '/route/', '/route/'],
  ['/', '/route/', false, v01, '/route/req', '/route/req'],
  ['/', '/route/', true, v01, '/route/', '/'],
  ['/', '/route/', true, v01, '/route/req', '/req'],
  ['/srv', '/rou', false, 'v0', '/roureq', '/srv/roureq'],
  ['/srv', '/rou', false, 'v1', '/roureq', '/srvroureq'],
  ['/srv', '/rou', true, 'v0', '/roureq', '/srv/req'],
  ['/srv', '/rou', true, 'v1', '/roureq', '/srvreq'],
  ['/srv/', '/rou', false, v01, '/rou', '/srv/rou'],
  ['/srv/', '/rou', true, 'v0', '/rou', '/srv'],
  ['/srv/', '/rou', true, 'v1', '/rou', '/srv/'],
  ['/service', '/', both, v01, '/', '/service'],
  ['/service', '/', both, 'v0', '/route', '/service/route'],
  ['/service', '/', both, 'v1', '/route', '/serviceroute'],
  ['/service', '/', both, 'v0', '/route/', '/service/route/'],
  ['/service', '/', both, 'v1', '/route/', '/serviceroute/'],
  ['/service', '/', both, 'v0', '/routereq', '/service/routereq'],
  ['/service', '/', both, 'v1', '/routereq', '/serviceroutereq'],
  ['/service', '/', both, 'v0', '/route/req', '/service/route/req'],
  ['/service', '/', both, 'v1', '/route/req', '/serviceroute/req'],
  ['/service', '/route', false, 'v0', '/route', '/service/route'],
  ['/service', '/route', false, 'v1', '/route', '/serviceroute'],
  ['/service', '/route', false, 'v0', '/route/', '/service/route/'],
  ['/service', '/route', false, 'v1', '/route/', '/serviceroute/'],
  ['/service', '/route', false, 'v0', '/routereq', '/service/routereq'],
  ['/service', '/route', false, 'v1', '/routereq', '/serviceroutereq'],
  ['/service', '/route', true, v01, '/route', '/service'],
  ['/service', '/route', true, v01, '/route/', '/service/'],
  ['/service', '/route', true, 'v0', '/routereq', '/service/req'],
  ['/service', '/route', true, 'v1', '/routereq', '/servicereq'],
  ['/service', '/route/', false, 'v0', '/route/', '/service/route/'],
  ['/service', '/route/', false, 'v1', '/route/', '/serviceroute/'],
  ['/service', '/route/', false, 'v0', '/route/req', '/service/route/req'],
  ['/service', '/route/', false, 'v1', '/route/req', '/serviceroute/req'],
  ['/service', '/route/', true, 'v0', '/route/', '/service/'],
  ['/service', '/route/', true, 'v1', '/route/', '/service'],
  ['/service', '/route/', true, 'v0', '/route/req', '/service/req'],
  ['/service', '/route/', true, 'v1', '/route/req', '/servicereq'],
  ['/service/', '/', both, 'v0', '/route/', '/service/route/'],
  ['/service/', '/', both, 'v1', '/route/', '/service/route/'],
  ['/service/', '/', both, v01, '/', '/service/'],
  ['/service/', '/', both, v01, '/route', '/service/route'],
  ['/service/', '/', both, v01, '/routereq', '/service/routereq'],
  ['/service/', '/', both, v01, '/route/req', '/service/route/req'],
  ['/service/', '/route', false, v01, '/route', '/service/route'],
  ['/service/', '/route', false, v01, '/route/', '/service/route/'],
  ['/service/', '/route', false, v01, '/routereq', '/service/routereq'],
  ['/service/', '/route', true, 'v0', '/route', '/service'],
  ['/service/', '/route', true, 'v1', '/route', '/service/'],
  ['/service/', '/route', true, v01, '/route/', '/service/'],
  ['/service/', '/route', true, v01, '/routereq', '/service/req'],
  ['/service/', '/route/', false, v01, '/route/', '/service/route/'],
  ['/service/', '/route/', false, v01, '/route/req', '/service/route/req'],
  ['/service/', '/route/', true, v01, '/route/', '/service/'],
  ['/service/', '/route/', true, v01, '/route/req', '/service/req'],
  ['/', null, both, v01, '/', '/'],
  ['/', null, both, v01, '/route', '/route'],
  ['/', null, both, v01, '/route/', '/route/'],
  ['/service', null, both, v01, '/', '/service'],
  ['/service', null, both, 'v0', '/route', '/service/route'],
  ['/service', null, both, 'v1', '/route', '/serviceroute'],
  ['/service', null, both, 'v0', '/route/', '/service/route/'],
  ['/service', null, both, 'v1', '/route/', '/serviceroute/'],
  ['/service/', null, both, v01, '/', '/service/'],
  ['/service/', null, both, v01, '/route', '/service/route'],
  ['/service/', null, both, v01, '/route/', '/service/route/'],
]

/** The Admin API reference's "Path handling algorithms" table (service path `/s`). */
const DOCS_ROWS: Row[] = [
  ['/s', '/fv0', false, 'v0', '/fv0req', '/s/fv0req'],
  ['/s', '/fv1', false, 'v1', '/fv1req', '/sfv1req'],
  ['/s', '/tv0', true, 'v0', '/tv0req', '/s/req'],
  ['/s', '/tv1', true, 'v1', '/tv1req', '/sreq'],
  ['/s', '/fv0/', false, 'v0', '/fv0/req', '/s/fv0/req'],
  ['/s', '/fv1/', false, 'v1', '/fv1/req', '/sfv1/req'],
  ['/s', '/tv0/', true, 'v0', '/tv0/req', '/s/req'],
  ['/s', '/tv1/', true, 'v1', '/tv1/req', '/sreq'],
]

interface Case {
  servicePath: string
  routePath: string | null
  strip: boolean
  handling: 'v0' | 'v1'
  request: string
  expected: string
}

function expand(rows: Row[]): Case[] {
  return rows.flatMap(([servicePath, routePath, strip, handling, request, expected]) =>
    [strip]
      .flat()
      .flatMap((s) =>
        [handling].flat().map((h) => ({ servicePath, routePath, strip: s, handling: h, request, expected })),
      ),
  )
}

/** Routes each case through a router of its own, the route matching by host (and path when given). */
function proxiedPath(c: Case, regex: boolean): string | undefined {
  const service = makeService({ path: c.servicePath })
  const paths = c.routePath === null ? null : [regex ? `~/[0]?${c.routePath.slice(1)}` : c.routePath]
  const route = makeRoute({
    hosts: ['paths.test'],
    paths,
    strip_path: c.strip,
    path_handling: c.handling,
    service: { id: service.id },
  })
  const router = buildRouter([route], [service])
  return router.match(makeRequest({ hostHeader: 'paths.test', path: c.request }))?.upstreamPath
}

const describeCase = (c: Case) =>
  `${c.servicePath} + ${c.routePath ?? '(host)'} strip=${c.strip} ${c.handling}: ${c.request} -> ${c.expected}`

describe("Kong's path handling table, prefix routes", () => {
  it.each(expand(KONG_ROWS).map((c) => [describeCase(c), c] as const))('%s', (_name, c) => {
    expect(proxiedPath(c, false)).toBe(c.expected)
  })
})

describe("Kong's path handling table, regex routes (`~/[0]?route`)", () => {
  const cases = expand(KONG_ROWS).filter((c) => c.routePath !== null)
  it.each(cases.map((c) => [describeCase(c), c] as const))('%s', (_name, c) => {
    expect(proxiedPath(c, true)).toBe(c.expected)
  })
})

describe('the Admin API reference path handling table', () => {
  it.each(expand(DOCS_ROWS).map((c) => [describeCase(c), c] as const))('%s', (_name, c) => {
    expect(proxiedPath(c, false)).toBe(c.expected)
  })
})

describe('upstream path details', () => {
  it('sends `/` upstream for a route without a service', () => {
    const route = makeRoute({ paths: ['/svc-less'] })
    const router = buildRouter([route], [])
    const match = router.match(makeRequest({ path: '/svc-less/x' }))
    expect(match?.service).toBeNull()
    expect(match?.upstreamPath).toBe('/x')
  })

  it('reports the stripped prefix only when strip_path is on', () => {
    const service = makeService({ path: '/base' })
    const strip = makeRoute({ paths: ['/a'], service: { id: service.id } })
    const keep = makeRoute({ paths: ['/b'], strip_path: false, service: { id: service.id } })
    const router = buildRouter([strip, keep], [service])
    expect(router.match(makeRequest({ path: '/a/1' }))?.prefix).toBe('/a')
    expect(router.match(makeRequest({ path: '/b/1' }))?.prefix).toBeNull()
  })

  it('strips the whole regex match, not only its literal part', () => {
    const service = makeService({ path: '/up' })
    const route = makeRoute({ paths: ['~/users/\\d+'], service: { id: service.id } })
    const router = buildRouter([route], [service])
    const match = router.match(makeRequest({ path: '/users/42/orders' }))
    expect(match?.upstreamPath).toBe('/up/orders')
    expect(match?.prefix).toBe('/users/42')
  })
})
