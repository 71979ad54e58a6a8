import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Mutation, RequestState } from '../../runtime/protocol.ts'
import { headersAfter, loadPlugin, type PluginUnderTest } from '../test-harness.ts'

let plugin: PluginUnderTest
beforeAll(async () => {
  plugin = await loadPlugin('request-transformer')
})
afterAll(() => plugin?.dispose())

function access(config: Record<string, unknown>, state: Partial<RequestState> = {}) {
  const run = plugin.request(config, state).run('access')
  expect(run.error).toBeUndefined()
  return run
}

const find = (mutations: Mutation[], op: Mutation['op']) => mutations.filter((m) => m.op === op)
const rawQuery = (mutations: Mutation[]) =>
  (find(mutations, 'service.request.setRawQuery').at(-1) as { query: string } | undefined)?.query
const rawBody = (mutations: Mutation[]) =>
  (find(mutations, 'service.request.setRawBody').at(-1) as { body: string } | undefined)?.body

describe('request-transformer configuration', () => {
  it("fills Kong's defaults: every list empty", () => {
    const empty = { body: [], headers: [], querystring: [] }
    expect(plugin.validate({})).toEqual({
      ok: true,
      config: { remove: empty, rename: empty, replace: empty, add: empty, append: empty },
    })
  })

  it("checks methods, header names and values, and `name:value` pairs as Kong's schema does", () => {
    const result = plugin.validate({
      http_method: 'HELLO!',
      remove: { headers: ['ok', 'not a header'] },
      rename: { headers: ['X-Test:not a header name'] },
      add: {
        headers: ['X-Test:a value with spaces; and punctuation!', 'X-Test:invalid\rvalue'],
        querystring: ['q:'],
      },
      append: { body: ['no-value'] },
    })
    expect(result.ok ? null : result.errors).toEqual({
      http_method: 'invalid value: HELLO!',
      remove: { headers: [null, 'invalid value: not a header'] },
      rename: { headers: ['invalid value: X-Test:not a header name'] },
      add: { headers: [null, 'invalid value: X-Test:invalid\rvalue'], querystring: ['invalid value: q:'] },
      append: { body: ['invalid value: no-value'] },
    })
  })
})

describe('request-transformer headers', () => {
  it('removes, renames, replaces, adds and appends, in that order', () => {
    const run = access(
      {
        remove: { headers: ['x-gone', 'x-readd'] },
        rename: { headers: ['x-old:x-new'] },
        replace: { headers: ['x-new:replaced', 'x-absent:never', 'host:upstream.test'] },
        add: { headers: ['x-readd:again', 'X-Added:1', 'x-keep:ignored'] },
        append: { headers: ['x-keep:two', 'X-List:a', 'x-list:b'] },
      },
      {
        headers: {
          host: 'example.com',
          'x-gone': '1',
          'x-readd': 'first',
          'x-old': 'moved',
          'x-keep': 'one',
        },
      },
    )
    expect(
      headersAfter(run.result.mutations, 'service.request', {
        host: 'example.com',
        'x-gone': '1',
        'x-readd': 'first',
        'x-old': 'moved',
        'x-keep': 'one',
      }),
    ).toEqual({
      host: 'upstream.test',
      'x-readd': 'again',
      'x-new': 'replaced',
      'x-added': '1',
      'x-keep': ['one', 'two'],
      'x-list': ['a', 'b'],
    })
  })

  it('renders templates from headers, query arguments, URI captures and ctx.shared', () => {
    const run = access(
      {
        add: {
          headers: [
            'x-user:$(headers.x_user_id)',
            'x-page:page $(query_params.page or query_params.p or "1")',
            'x-item:$(uri_captures.item)-$(uri_captures[1])',
            'x-missing:[$(headers.nope)]',
          ],
        },
      },
      {
        rawQuery: 'p=7',
        headers: { host: 'example.com', 'x-user-id': 'u-42' },
        uriCaptures: { '0': '/items/9', '1': '9', item: '9' },
      },
    )
    expect(headersAfter(run.result.mutations, 'service.request')).toEqual({
      'x-user': 'u-42',
      'x-page': 'page 7',
      'x-item': '9-9',
      'x-missing': '[]',
    })
  })

  it('fails the request on a template it cannot render', () => {
    const run = plugin.request({ add: { headers: ['x:$(os.getenv("HOME"))'] } }).run('access')
    expect(run.status).toBe('error')
    expect(run.error).toMatch(/unsupported expression/)
  })
})

describe('request-transformer query string', () => {
  it('removes, renames, replaces, adds and appends arguments', () => {
    const run = access(
      {
        remove: { querystring: ['drop'] },
        rename: { querystring: ['old:new', 'ghost:taken'] },
        replace: { querystring: ['keep:replaced', 'absent:never'] },
        add: { querystring: ['added:1', 'keep:not-added'] },
        append: { querystring: ['multi:b', 'single:x'] },
      },
      { rawQuery: 'drop=1&old=v&taken=lost&keep=k&multi=a' },
    )
    expect(rawQuery(run.result.mutations)).toBe('added=1&keep=replaced&multi=a&multi=b&new=v&single=x')
  })

  it('leaves the query alone when nothing is configured for it', () => {
    expect(rawQuery(access({}, { rawQuery: 'a=1' }).result.mutations)).toBeUndefined()
  })
})

describe('request-transformer bodies', () => {
  const json = (body: string): Partial<RequestState> => ({
    method: 'POST',
    headers: { host: 'example.com', 'content-type': 'application/json; charset=utf-8' },
    rawBody: body,
  })

  it('transforms JSON bodies', () => {
    const run = access(
      {
        remove: { body: ['secret'] },
        rename: { body: ['name:username'] },
        replace: { body: ['role:admin', 'flag:true', 'absent:x'] },
        add: { body: ['added:yes', 'nothing:filled', 'role:not-added'] },
        append: { body: ['tags:b', 'list:z'] },
      },
      json('{"secret":1,"name":"ann","role":"user","flag":false,"nothing":null,"tags":"a","list":["y"]}'),
    )
    expect(JSON.parse(rawBody(run.result.mutations) ?? '')).toEqual({
      username: 'ann',
      role: 'admin',
      flag: false,
      nothing: null,
      tags: ['a', 'b'],
      list: ['y', 'z'],
      added: 'yes',
    })
  })

  it('fills an empty JSON body with add/append, and leaves invalid JSON alone', () => {
    expect(rawBody(access({ add: { body: ['a:1'] } }, json('')).result.mutations)).toBe('{"a":"1"}')
    expect(
      rawBody(access({ add: { body: ['a:1'] }, remove: { body: ['b'] } }, json('{oops')).result.mutations),
    ).toBe(undefined)
    expect(rawBody(access({ remove: { body: ['b'] } }, json('')).result.mutations)).toBeUndefined()
  })

  it('transforms form-urlencoded bodies', () => {
    const run = access(
      {
        remove: { body: ['drop'] },
        rename: { body: ['a:b'] },
        replace: { body: ['c:new value'] },
        add: { body: ['d:4', 'c:no'] },
        append: { body: ['e:2'] },
      },
      {
        method: 'POST',
        headers: { host: 'example.com', 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: 'drop=1&a=1&c=3&e=1',
      },
    )
    expect(rawBody(run.result.mutations)).toBe('c=new%20value&e=1&e=2&b=1&d=4')
  })

  it('leaves other content types alone', () => {
    const run = access(
      { add: { body: ['a:1'] } },
      { method: 'POST', headers: { 'content-type': 'text/plain' }, rawBody: 'hello' },
    )
    expect(run.result.mutations).toEqual([])
    expect(run.io).toEqual([])
  })
})

describe('request-transformer method and path', () => {
  it('changes the method and carries a form body into the query for GET', () => {
    const run = access(
      { http_method: 'GET' },
      {
        method: 'POST',
        rawQuery: 'a=1',
        headers: { host: 'example.com', 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: 'a=2&b=3',
      },
    )
    expect(find(run.result.mutations, 'service.request.setMethod')).toEqual([
      { op: 'service.request.setMethod', method: 'GET' },
    ])
    expect(rawQuery(run.result.mutations)).toBe('a=1&a=2&b=3')
  })

  it('replaces the upstream path from a template', () => {
    const run = access(
      { replace: { uri: '/users/$(uri_captures.id)/profile' } },
      { uriCaptures: { '0': '/u/5', id: '5' } },
    )
    expect(find(run.result.mutations, 'service.request.setPath')).toEqual([
      { op: 'service.request.setPath', path: '/users/5/profile' },
    ])
  })
})
