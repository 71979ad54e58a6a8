import { describe, expect, it } from 'vitest'
import type { Route } from '../entities/types.ts'
import { buildRouter } from './build-router.ts'
import { makeRequest, makeRoute, makeService } from './fixtures.ts'
import { httpsRedirectStatus } from './protocols.ts'

function only(route: Route) {
  return buildRouter([route], [])
}

describe('hosts', () => {
  it('matches exact hosts case-insensitively, whatever the request port', () => {
    const router = only(makeRoute({ hosts: ['API.Example.test'] }))
    expect(router.match(makeRequest({ hostHeader: 'api.example.test' }))).not.toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'API.EXAMPLE.TEST:8443' }))).not.toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'other.example.test' }))).toBeNull()
  })

  it('matches a host with a port only on that port', () => {
    const router = only(makeRoute({ hosts: ['example.test:8080'] }))
    expect(router.match(makeRequest({ hostHeader: 'example.test:8080' }))).not.toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'example.test:9090' }))).toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'example.test' }))).toBeNull()
  })

  it('matches leading wildcards on any number of labels', () => {
    const router = only(makeRoute({ hosts: ['*.example.test'] }))
    expect(router.match(makeRequest({ hostHeader: 'a.example.test' }))).not.toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'a.b.example.test:81' }))).not.toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'example.test' }))).toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'aexample.test' }))).toBeNull()
  })

  it('matches trailing wildcards', () => {
    const router = only(makeRoute({ hosts: ['example.*'] }))
    expect(router.match(makeRequest({ hostHeader: 'example.org' }))).not.toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'example.co.uk' }))).not.toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'www.example.org' }))).toBeNull()
  })

  it('matches wildcards with a port only on that port', () => {
    const router = buildRouter(
      [
        makeRoute({ name: 'suffix', hosts: ['*.example.test:8000'] }),
        makeRoute({ name: 'prefix', hosts: ['api.*:9000'] }),
      ],
      [],
    )
    expect(router.match(makeRequest({ hostHeader: 'a.example.test:8000' }))?.route.name).toBe('suffix')
    expect(router.match(makeRequest({ hostHeader: 'a.example.test:8001' }))).toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'api.test:9000' }))?.route.name).toBe('prefix')
    expect(router.match(makeRequest({ hostHeader: 'api.test' }))).toBeNull()
  })
})

describe('paths', () => {
  it('matches prefixes character-wise, as Kong does', () => {
    const router = only(makeRoute({ paths: ['/foo'] }))
    expect(router.match(makeRequest({ path: '/foo' }))).not.toBeNull()
    expect(router.match(makeRequest({ path: '/foobar' }))).not.toBeNull()
    expect(router.match(makeRequest({ path: '/fo' }))).toBeNull()
    expect(router.match(makeRequest({ path: '/Foo' }))).toBeNull()
  })

  it('anchors regex paths at the start of the path only', () => {
    const router = only(makeRoute({ paths: ['~/v\\d+/items'] }))
    expect(router.match(makeRequest({ path: '/v2/items/9' }))).not.toBeNull()
    expect(router.match(makeRequest({ path: '/api/v2/items' }))).toBeNull()
  })

  it('anchors every alternative of a regex', () => {
    const router = only(makeRoute({ paths: ['~/a|/b'] }))
    expect(router.match(makeRequest({ path: '/b/x' }))).not.toBeNull()
    expect(router.match(makeRequest({ path: '/x/b' }))).toBeNull()
  })

  it('exposes named and positional captures', () => {
    const router = only(makeRoute({ paths: ['~/users/(?<user>[^/]+)/(\\w+)'] }))
    const match = router.match(makeRequest({ path: '/users/alice/posts/1' }))
    expect(match?.uriCaptures).toEqual({
      '0': '/users/alice/posts',
      '1': 'alice',
      '2': 'posts',
      user: 'alice',
    })
  })

  it("accepts Rust's (?P<name>) syntax and a leading (?i)", () => {
    const router = only(makeRoute({ paths: ['~(?i)/ITEMS/(?P<id>\\d+)'] }))
    expect(router.match(makeRequest({ path: '/items/7' }))?.uriCaptures).toEqual({
      '0': '/items/7',
      '1': '7',
      id: '7',
    })
  })

  it('leaves out groups that did not take part, and captures when there are no groups', () => {
    const router = buildRouter(
      [makeRoute({ paths: ['~/opt(/(?<tail>x))?$'] }), makeRoute({ paths: ['~/plain/\\d+'] })],
      [],
    )
    expect(router.match(makeRequest({ path: '/opt' }))?.uriCaptures).toBeNull()
    expect(router.match(makeRequest({ path: '/opt/x' }))?.uriCaptures).toEqual({
      '0': '/opt/x',
      '1': '/x',
      '2': 'x',
      tail: 'x',
    })
    const plain = router.match(makeRequest({ path: '/plain/1' }))
    expect(plain).not.toBeNull()
    expect(plain?.uriCaptures).toBeNull()
  })
})

describe('methods and headers', () => {
  it('matches any of the methods', () => {
    const router = only(makeRoute({ methods: ['GET', 'POST'] }))
    expect(router.match(makeRequest({ method: 'POST' }))).not.toBeNull()
    expect(router.match(makeRequest({ method: 'DELETE' }))).toBeNull()
  })

  it('matches header values case-insensitively, names in any case or with underscores', () => {
    const router = only(makeRoute({ headers: { 'X-Version': ['V1', 'v2'], x_tenant: ['acme'] } }))
    const ok = makeRequest({ headers: { 'x-version': 'v1', 'x-tenant': 'ACME' } })
    expect(router.match(ok)).not.toBeNull()
    expect(router.match(makeRequest({ headers: { 'x-version': 'v3', 'x-tenant': 'acme' } }))).toBeNull()
    expect(router.match(makeRequest({ headers: { 'x-version': 'v1' } }))).toBeNull()
  })

  it('matches any line of a repeated header', () => {
    const router = only(makeRoute({ headers: { accept: ['application/json'] } }))
    expect(
      router.match(makeRequest({ headers: { accept: ['text/html', 'application/json'] } })),
    ).not.toBeNull()
    expect(router.match(makeRequest({ headers: { accept: ['text/html'] } }))).toBeNull()
  })

  it('matches `~*` header values as case-insensitive regexes', () => {
    const router = only(makeRoute({ headers: { authorization: ['~*^Bearer\\s+\\w+'] } }))
    expect(router.match(makeRequest({ headers: { authorization: 'bearer abc' } }))).not.toBeNull()
    expect(router.match(makeRequest({ headers: { authorization: 'Basic abc' } }))).toBeNull()
  })
})

describe('snis and protocols', () => {
  it('requires one of the snis on https only', () => {
    const router = only(makeRoute({ snis: ['secure.test.'], paths: ['/s'] }))
    expect(router.match(makeRequest({ path: '/s', scheme: 'https', sni: 'secure.test' }))).not.toBeNull()
    expect(router.match(makeRequest({ path: '/s', scheme: 'https', sni: 'other.test' }))).toBeNull()
    expect(router.match(makeRequest({ path: '/s', scheme: 'https' }))).toBeNull()
    expect(router.match(makeRequest({ path: '/s', scheme: 'http' }))).not.toBeNull()
  })

  it('matches regardless of protocol; the proxy then refuses plain traffic on https-only routes', () => {
    const httpsOnly = makeRoute({ paths: ['/secure'], protocols: ['https'] })
    const redirecting = makeRoute({
      paths: ['/moved'],
      protocols: ['https'],
      https_redirect_status_code: 301,
    })
    const router = buildRouter([httpsOnly, redirecting], [])
    const match = router.match(makeRequest({ path: '/secure' }))
    expect(match?.route.id).toBe(httpsOnly.id)
    expect(httpsRedirectStatus(httpsOnly, 'http')).toBe(426)
    expect(httpsRedirectStatus(httpsOnly, 'https')).toBeNull()
    expect(httpsRedirectStatus(redirecting, 'http')).toBe(301)
    expect(httpsRedirectStatus(makeRoute({ protocols: ['http', 'https'] }), 'http')).toBeNull()
  })

  it('leaves stream routes out of the http router', () => {
    const router = buildRouter([makeRoute({ protocols: ['tcp'], paths: ['/tcp'] })], [])
    expect(router.size).toBe(0)
    expect(router.match(makeRequest({ path: '/tcp' }))).toBeNull()
  })
})

describe('preserve_host', () => {
  it('passes the Host header as sent when on, null when off or absent', () => {
    const keep = makeRoute({ hosts: ['keep.test'], preserve_host: true })
    const drop = makeRoute({ hosts: ['drop.test'] })
    const router = buildRouter([keep, drop], [])
    expect(router.match(makeRequest({ hostHeader: 'Keep.test:8000' }))?.upstreamHost).toBe('Keep.test:8000')
    expect(router.match(makeRequest({ hostHeader: 'drop.test' }))?.upstreamHost).toBeNull()
    const noHeader = { ...makeRequest({ hostHeader: 'keep.test' }), headers: {} }
    expect(router.match(noHeader)?.upstreamHost).toBeNull()
  })
})

describe('services, workspaces and unusable routes', () => {
  it('attaches the service, or null for a route without one', () => {
    const service = makeService()
    const withService = makeRoute({ paths: ['/with'], service: { id: service.id } })
    const without = makeRoute({ paths: ['/without'] })
    const router = buildRouter([withService, without], [service])
    expect(router.match(makeRequest({ path: '/with' }))?.service).toBe(service)
    expect(router.match(makeRequest({ path: '/without' }))?.service).toBeNull()
  })

  it('leaves out routes of disabled services, and treats stream services as none', () => {
    const disabled = makeService({ enabled: false })
    const tcp = makeService({ protocol: 'tcp' })
    const routes = [
      makeRoute({ paths: ['/off'], service: { id: disabled.id } }),
      makeRoute({ paths: ['/tcp'], service: { id: tcp.id } }),
    ]
    const router = buildRouter(routes, [disabled, tcp])
    expect(router.match(makeRequest({ path: '/off' }))).toBeNull()
    const match = router.match(makeRequest({ path: '/tcp' }))
    expect(match).not.toBeNull()
    expect(match?.service).toBeNull()
    expect(router.skipped).toEqual([])
  })

  it('skips unusable routes with a reason and routes the others', () => {
    const missing = makeRoute({ paths: ['/missing'], service: { id: 'no-such-service' } })
    const badRegex = makeRoute({ paths: ['~/bad(['] })
    const badHeader = makeRoute({ headers: { x: ['~*(('] } })
    const empty = makeRoute({ headers: { 'x-empty': [] } })
    const good = makeRoute({ paths: ['/good'] })
    const router = buildRouter([missing, badRegex, badHeader, empty, good], [])
    expect(router.size).toBe(1)
    expect(router.skipped.map((s) => s.routeId)).toEqual([missing.id, badRegex.id, badHeader.id, empty.id])
    expect(router.skipped[0]?.reason).toContain('could not find service')
    expect(router.skipped[3]?.reason).toBe('could not categorize route')
    expect(router.match(makeRequest({ path: '/good' }))?.route.id).toBe(good.id)
    expect(router.match(makeRequest({ path: '/missing' }))).toBeNull()
  })

  it('routes the workspaces of one listener together', () => {
    const wsA = '0000000a-0000-4000-8000-000000000000'
    const wsB = '0000000b-0000-4000-8000-000000000000'
    const serviceA = makeService({ ws_id: wsA })
    const serviceB = makeService({ ws_id: wsB })
    const routeA = makeRoute({ ws_id: wsA, hosts: ['a.test'], service: { id: serviceA.id } })
    const routeB = makeRoute({ ws_id: wsB, hosts: ['b.test'], service: { id: serviceB.id } })
    const router = buildRouter([routeA, routeB], [serviceA, serviceB])
    const a = router.match(makeRequest({ hostHeader: 'a.test' }))
    const b = router.match(makeRequest({ hostHeader: 'b.test' }))
    expect([a?.route.ws_id, a?.service?.ws_id]).toEqual([wsA, wsA])
    expect([b?.route.ws_id, b?.service?.ws_id]).toEqual([wsB, wsB])
  })

  it('answers null when nothing matches, and with no routes at all', () => {
    expect(buildRouter([], []).match(makeRequest())).toBeNull()
    const router = buildRouter([makeRoute({ hosts: ['only.test'], paths: ['/x'] })], [])
    expect(router.match(makeRequest({ hostHeader: 'only.test', path: '/y' }))).toBeNull()
    expect(router.match(makeRequest({ hostHeader: 'other.test', path: '/x' }))).toBeNull()
  })

  it('is immutable', () => {
    const router = buildRouter([makeRoute({ paths: ['/x'] })], [])
    expect(Object.isFrozen(router)).toBe(true)
    expect(Object.isFrozen(router.skipped)).toBe(true)
  })
})
