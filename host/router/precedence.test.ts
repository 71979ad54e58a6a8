import { describe, expect, it } from 'vitest'
import type { Route } from '../entities/types.ts'
import { buildRouter } from './build-router.ts'
import { makeRequest, makeRoute } from './fixtures.ts'
import type { RouteRequest } from './types.ts'

/** Which of `routes` wins, tried in both input orders so the result never depends on it. */
function winner(routes: Route[], req: RouteRequest): string | null {
  const forward = buildRouter(routes, []).match(req)?.route.name ?? null
  const backward = buildRouter([...routes].reverse(), []).match(req)?.route.name ?? null
  expect(backward).toBe(forward)
  return forward
}

describe('route precedence (Kong traditional_compatible)', () => {
  it('prefers the route with more kinds of criteria', () => {
    const routes = [
      makeRoute({ name: 'path', paths: ['/foo'], created_at: 1 }),
      makeRoute({ name: 'path+method', paths: ['/foo'], methods: ['GET'], created_at: 2 }),
    ]
    expect(winner(routes, makeRequest({ path: '/foo' }))).toBe('path+method')
    expect(winner(routes, makeRequest({ path: '/foo', method: 'POST' }))).toBe('path')
  })

  it('counts criteria before host kind and path length', () => {
    const routes = [
      makeRoute({ name: 'plain host', hosts: ['api.example.test'] }),
      makeRoute({ name: 'wildcard+path', hosts: ['*.example.test'], paths: ['/x'] }),
      makeRoute({ name: 'long path', paths: ['/x/very/long/prefix'] }),
    ]
    expect(winner(routes, makeRequest({ hostHeader: 'api.example.test', path: '/x/very/long/prefix' }))).toBe(
      'wildcard+path',
    )
    expect(winner(routes, makeRequest({ hostHeader: 'api.example.test', path: '/y' }))).toBe('plain host')
    const [plain, , long] = routes
    const req = makeRequest({ hostHeader: 'api.example.test', path: '/x/very/long/prefix' })
    expect(winner([plain!, long!], req)).toBe('plain host')
  })

  it('prefers exact hosts over wildcard hosts', () => {
    const routes = [
      makeRoute({ name: 'suffix', hosts: ['*.example.test'], created_at: 1 }),
      makeRoute({ name: 'prefix', hosts: ['api.*'], created_at: 1 }),
      makeRoute({ name: 'exact', hosts: ['api.example.test'], created_at: 3 }),
    ]
    expect(winner(routes, makeRequest({ hostHeader: 'api.example.test' }))).toBe('exact')
    expect(winner(routes, makeRequest({ hostHeader: 'www.example.test' }))).toBe('suffix')
    expect(winner(routes, makeRequest({ hostHeader: 'api.other.test' }))).toBe('prefix')
  })

  it('ranks a route mixing exact and wildcard hosts as a wildcard route', () => {
    const routes = [
      makeRoute({ name: 'mixed', hosts: ['api.example.test', '*.other.test'], created_at: 1 }),
      makeRoute({ name: 'exact', hosts: ['api.example.test'], created_at: 2 }),
    ]
    expect(winner(routes, makeRequest({ hostHeader: 'api.example.test' }))).toBe('exact')
  })

  it('prefers more header names', () => {
    const routes = [
      makeRoute({ name: 'one', headers: { version: ['v1', 'v2'] } }),
      makeRoute({ name: 'two', headers: { version: ['v3'], location: ['us-east'] } }),
      makeRoute({ name: 'one-v3', headers: { version: ['v3'] } }),
    ]
    const both = makeRequest({ headers: { version: 'v3', location: 'us-east' } })
    expect(winner(routes, both)).toBe('two')
    expect(winner(routes, makeRequest({ headers: { version: 'v3' } }))).toBe('one-v3')
    expect(winner(routes, makeRequest({ headers: { version: 'v2', location: 'us-east' } }))).toBe('one')
  })

  it('ranks header count above path length', () => {
    const routes = [
      makeRoute({ name: 'short+2h', paths: ['/root'], headers: { version: ['v1'], location: ['us'] } }),
      makeRoute({ name: 'long+1h', paths: ['/root/fixture'], headers: { version: ['v1'] } }),
    ]
    const req = makeRequest({ path: '/root/fixture/get', headers: { version: 'v1', location: 'us' } })
    expect(winner(routes, req)).toBe('short+2h')
    expect(winner(routes, makeRequest({ path: '/root/fixture/get', headers: { version: 'v1' } }))).toBe(
      'long+1h',
    )
  })

  it('tries regex paths before prefix paths, however long the prefix', () => {
    const routes = [
      makeRoute({ name: 'prefix', paths: ['/foo/bar/baz'] }),
      makeRoute({ name: 'regex', paths: ['~/foo'] }),
    ]
    expect(winner(routes, makeRequest({ path: '/foo/bar/baz' }))).toBe('regex')
  })

  it('orders regex paths by regex_priority, higher first', () => {
    const low = makeRoute({ name: 'low', paths: ['~/a/.*'], regex_priority: 0 })
    const high = makeRoute({ name: 'high', paths: ['~/a/b'], regex_priority: 5 })
    const negative = makeRoute({ name: 'negative', paths: ['~/a/b/c'], regex_priority: -1 })
    expect(winner([low, high, negative], makeRequest({ path: '/a/b/c' }))).toBe('high')
    expect(winner([low, negative], makeRequest({ path: '/a/b/c' }))).toBe('low')
    expect(winner([low, high], makeRequest({ path: '/a/x' }))).toBe('low')
  })

  it('ignores regex_priority on prefix paths', () => {
    const routes = [
      makeRoute({ name: 'short', paths: ['/a'], regex_priority: 100 }),
      makeRoute({ name: 'long', paths: ['/a/b'], regex_priority: 0 }),
    ]
    expect(winner(routes, makeRequest({ path: '/a/b/c' }))).toBe('long')
  })

  it('prefers the longest prefix', () => {
    const routes = [
      makeRoute({ name: 'root', paths: ['/'] }),
      makeRoute({ name: 'a', paths: ['/a'] }),
      makeRoute({ name: 'a/b', paths: ['/a/b'] }),
    ]
    expect(winner(routes, makeRequest({ path: '/a/b/c' }))).toBe('a/b')
    expect(winner(routes, makeRequest({ path: '/a/c' }))).toBe('a')
    expect(winner(routes, makeRequest({ path: '/abc' }))).toBe('a')
    expect(winner(routes, makeRequest({ path: '/z' }))).toBe('root')
  })

  it('ranks each path length of a route on its own (Kong splits such routes)', () => {
    const routes = [
      makeRoute({ name: 'multi', paths: ['/short', '/much/longer/path'] }),
      makeRoute({ name: 'middle', paths: ['/much/longer'] }),
    ]
    expect(winner(routes, makeRequest({ path: '/much/longer/path/x' }))).toBe('multi')
    expect(winner(routes, makeRequest({ path: '/much/longer/x' }))).toBe('middle')
    expect(winner(routes, makeRequest({ path: '/short/x' }))).toBe('multi')
  })

  it('ranks the regex paths of a mixed route as regex', () => {
    const routes = [
      makeRoute({ name: 'mixed', paths: ['/p', '~/r\\d'] }),
      makeRoute({ name: 'long prefix', paths: ['/r1/long'] }),
    ]
    expect(winner(routes, makeRequest({ path: '/r1/long' }))).toBe('mixed')
    expect(winner(routes, makeRequest({ path: '/p/x' }))).toBe('mixed')
  })

  it('breaks ties by the older created_at, then by the higher id', () => {
    const older = makeRoute({ name: 'older', paths: ['/tie'], created_at: 100 })
    const newer = makeRoute({ name: 'newer', paths: ['/tie'], created_at: 200 })
    expect(winner([older, newer], makeRequest({ path: '/tie' }))).toBe('older')

    const lowId = makeRoute({ id: '10000000-0000-4000-8000-000000000000', name: 'low id', paths: ['/same'] })
    const highId = makeRoute({
      id: 'f0000000-0000-4000-8000-000000000000',
      name: 'high id',
      paths: ['/same'],
    })
    expect(winner([lowId, highId], makeRequest({ path: '/same' }))).toBe('high id')
  })

  it('falls through to a lower-ranked route when a higher one fails another criterion', () => {
    const routes = [
      makeRoute({ name: 'get only', paths: ['/x/y'], methods: ['GET'], hosts: ['a.test'] }),
      makeRoute({ name: 'fallback', paths: ['/x'] }),
    ]
    expect(winner(routes, makeRequest({ hostHeader: 'a.test', path: '/x/y', method: 'PUT' }))).toBe(
      'fallback',
    )
  })
})
