import { describe, expect, it } from 'vitest'
import { buildRouter } from './build-router.ts'
import { makeRequest, makeRoute, makeService } from './fixtures.ts'
import { escapePath, normalizePath } from './normalize.ts'

describe('normalizePath (Kong kong/tools/uri.lua normalize)', () => {
  it.each([
    ['/', '/'],
    ['/plain/path', '/plain/path'],
    ['/%61%62c', '/abc'],
    ['/a%2Db%5F%7E', '/a-b_~'],
    ['/a%2fb', '/a%2Fb'],
    ['/a%3Fb%23c%25d', '/a%3Fb%23c%25d'],
    ['/caf%c3%a9', '/café'],
    ['/bad%FFbyte', '/bad%FFbyte'],
    ['/sp%20ace', '/sp ace'],
    ['/a/./b', '/a/b'],
    ['/a/b/../c', '/a/c'],
    ['/a/%2e%2E/c', '/c'],
    ['/../../x', '/x'],
    ['/a/..', '/'],
    ['/a/.', '/a/'],
    ['//a///b//', '/a/b/'],
    ['/a/b/', '/a/b/'],
    ['/%zz', '/%zz'],
    ['/trailing%', '/trailing%'],
  ])('%s -> %s', (raw, normalized) => {
    expect(normalizePath(raw)).toBe(normalized)
  })
})

describe('escapePath (Kong kong/tools/uri.lua escape)', () => {
  it.each([
    ['/plain-path_.~', '/plain-path_.~'],
    ["/!$&'()*+,;=:@[]", "/!$&'()*+,;=:@[]"],
    ['/sp ace', '/sp%20ace'],
    ['/q"<>`{}|\\^', '/q%22%3C%3E%60%7B%7D%7C%5C%5E'],
    ['/café', '/caf%C3%A9'],
    ['/a%2Fb', '/a%2Fb'],
  ])('%s -> %s', (path, escaped) => {
    expect(escapePath(path)).toBe(escaped)
  })
})

describe('routing on the normalised path', () => {
  const service = makeService({ path: '/up' })
  const route = makeRoute({ paths: ['/a/b'], service: { id: service.id } })
  const utf8 = makeRoute({ paths: ['/caf%C3%A9'], service: { id: service.id } })
  const router = buildRouter([route, utf8], [service])

  it('matches percent-encoded unreserved characters and removes dot segments first', () => {
    expect(router.match(makeRequest({ path: '/%61/%62/c' }))?.upstreamPath).toBe('/up/c')
    expect(router.match(makeRequest({ path: '/x/../a/./b/c' }))?.upstreamPath).toBe('/up/c')
    expect(router.match(makeRequest({ path: '//a//b//c' }))?.upstreamPath).toBe('/up/c')
  })

  it('keeps reserved characters encoded, so they do not match a literal', () => {
    expect(router.match(makeRequest({ path: '/a%2Fb' }))).toBeNull()
  })

  it('escapes what is sent upstream again', () => {
    expect(router.match(makeRequest({ path: '/a/b/sp%20ace%2f' }))?.upstreamPath).toBe('/up/sp%20ace%2F')
    expect(router.match(makeRequest({ path: '/caf%c3%a9/menu' }))?.upstreamPath).toBe('/up/menu')
  })
})
