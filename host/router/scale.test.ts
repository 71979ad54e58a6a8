import { describe, expect, it } from 'vitest'
import type { Route, Service } from '../entities/types.ts'
import { buildRouter } from './build-router.ts'
import { makeRequest, makeRoute, makeService } from './fixtures.ts'
import { literalPrefix } from './path-regex.ts'
import { PrefixTree } from './prefix-tree.ts'
import type { RouteRequest } from './types.ts'

const WORKSPACES = ['0000000a-0000-4000-8000-000000000000', '0000000b-0000-4000-8000-000000000000']

/** 5,000 routes of six shapes over two workspaces, and for each a request only it should take. */
function bigConfig(): { routes: Route[]; services: Service[]; requests: RouteRequest[] } {
  const services = WORKSPACES.map((ws_id) => makeService({ ws_id, path: '/svc' }))
  const routes: Route[] = []
  const requests: RouteRequest[] = []
  for (let i = 0; i < 5000; i++) {
    const ws = i % 2
    const base = { ws_id: WORKSPACES[ws]!, service: { id: services[ws]!.id } }
    switch (i % 6) {
      case 0:
        routes.push(makeRoute({ ...base, paths: [`/p${i}/api`] }))
        requests.push(makeRequest({ path: `/p${i}/api/items` }))
        break
      case 1:
        routes.push(makeRoute({ ...base, hosts: [`h${i}.example.test`] }))
        requests.push(makeRequest({ hostHeader: `h${i}.example.test`, path: '/any' }))
        break
      case 2:
        routes.push(makeRoute({ ...base, paths: [`~/r${i}/(?<id>\\d+)$`] }))
        requests.push(makeRequest({ path: `/r${i}/77` }))
        break
      case 3:
        routes.push(makeRoute({ ...base, hosts: [`*.w${i}.test`], paths: ['/'] }))
        requests.push(makeRequest({ hostHeader: `x.w${i}.test`, path: '/' }))
        break
      case 4:
        routes.push(makeRoute({ ...base, paths: ['/shared'], headers: { 'x-shard': [`s${i}`] } }))
        requests.push(makeRequest({ path: '/shared/x', headers: { 'x-shard': `S${i}` } }))
        break
      default:
        routes.push(makeRoute({ ...base, paths: [`~/(?<kind>[a-z]+)/m${i}$`], methods: ['PUT'] }))
        requests.push(makeRequest({ path: `/abc/m${i}`, method: 'PUT' }))
    }
  }
  return { routes, services, requests }
}

describe('a router with 5,000 routes', () => {
  const { routes, services, requests } = bigConfig()
  const router = buildRouter(routes, services)

  it('keeps every route', () => {
    expect(router.size).toBe(5000)
    expect(router.skipped).toEqual([])
  })

  it('sends every request to its own route, twice (the second time from the match cache)', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < requests.length; i += 7) {
        const match = router.match(requests[i]!)
        expect(match?.route.id, `request ${i}`).toBe(routes[i]!.id)
        expect(match?.service?.ws_id).toBe(routes[i]!.ws_id)
      }
    }
  })

  it('rebuilds captures for each request', () => {
    expect(router.match(makeRequest({ path: '/r2/1' }))?.uriCaptures).toEqual({
      '0': '/r2/1',
      '1': '1',
      id: '1',
    })
    expect(router.match(makeRequest({ path: '/r2/2' }))?.uriCaptures).toEqual({
      '0': '/r2/2',
      '1': '2',
      id: '2',
    })
    const first = router.match(makeRequest({ path: '/r2/1' }))
    first!.uriCaptures!['id'] = 'tampered'
    expect(router.match(makeRequest({ path: '/r2/1' }))?.uriCaptures?.['id']).toBe('1')
  })

  it('answers null for requests nothing takes, also when asked again', () => {
    for (let round = 0; round < 2; round++) {
      expect(router.match(makeRequest({ path: '/nowhere' }))).toBeNull()
      expect(router.match(makeRequest({ path: '/shared', headers: { 'x-shard': 'none' } }))).toBeNull()
      expect(router.match(makeRequest({ path: '/abc/m5', method: 'GET' }))).toBeNull()
    }
  })
})

describe('the match cache', () => {
  /** Enough regex routes to switch the cache on. */
  const filler = Array.from({ length: 100 }, (_, i) => makeRoute({ paths: [`~/filler${i}/\\d+`] }))

  it('keeps requests that differ only by a header apart', () => {
    const withHeader = makeRoute({ name: 'beta', paths: ['~/h$'], headers: { 'x-beta': ['1'] } })
    const plain = makeRoute({ name: 'plain', paths: ['~/h$'] })
    const router = buildRouter([...filler, withHeader, plain], [])
    for (let round = 0; round < 3; round++) {
      expect(router.match(makeRequest({ path: '/h', headers: { 'x-beta': '1' } }))?.route.name).toBe('beta')
      expect(router.match(makeRequest({ path: '/h' }))?.route.name).toBe('plain')
      expect(router.match(makeRequest({ path: '/h', headers: { 'x-beta': ['0', '1'] } }))?.route.name).toBe(
        'beta',
      )
    }
  })

  it('keeps a decoded newline in the path from posing as a header value', () => {
    const withHeader = makeRoute({ name: 'beta', paths: ['~/h'], headers: { 'x-beta': ['1'] } })
    const router = buildRouter([...filler, withHeader], [])
    expect(router.match(makeRequest({ path: '/h%0A1' }))).toBeNull()
    expect(router.match(makeRequest({ path: '/h', headers: { 'x-beta': '1' } }))?.route.name).toBe('beta')
    expect(router.match(makeRequest({ path: '/h%0A1' }))).toBeNull()
  })

  it('keeps host, port, method and preserve_host per request', () => {
    const route = makeRoute({ paths: ['~/k'], hosts: ['k.test:8000'], methods: ['GET'], preserve_host: true })
    const router = buildRouter([...filler, route], [])
    for (let round = 0; round < 2; round++) {
      expect(router.match(makeRequest({ hostHeader: 'k.test:8000', path: '/k' }))?.upstreamHost).toBe(
        'k.test:8000',
      )
      expect(router.match(makeRequest({ hostHeader: 'K.test:8000', path: '/k' }))?.upstreamHost).toBe(
        'K.test:8000',
      )
      expect(router.match(makeRequest({ hostHeader: 'k.test:8001', path: '/k' }))).toBeNull()
      expect(router.match(makeRequest({ hostHeader: 'k.test:8000', path: '/k', method: 'POST' }))).toBeNull()
    }
  })
})

describe('indexes', () => {
  it('finds the literal start of a regex, or nothing when unsure', () => {
    expect(literalPrefix('/users/\\d+')).toBe('/users/')
    expect(literalPrefix('^/a\\.b/c')).toBe('/a.b/c')
    expect(literalPrefix('/items?')).toBe('/item')
    expect(literalPrefix('/x{0,2}')).toBe('/')
    expect(literalPrefix('/ab+')).toBe('/ab')
    expect(literalPrefix('/a|/b')).toBe('')
    expect(literalPrefix('(/a)')).toBe('')
  })

  it('collects every stored prefix of a path in rank order', () => {
    const tree = new PrefixTree()
    const keys = ['/', '/api', '/api/v1', '/apx', '/b', '/api/v1']
    keys.forEach((key, rank) => {
      tree.insert(key, rank)
    })
    const lists: number[][] = []
    tree.collect('/api/v1/users', lists)
    expect(lists).toEqual([[0], [1], [2, 5]])
    const none: number[][] = []
    tree.collect('/c', none)
    expect(none).toEqual([[0]])
  })
})
