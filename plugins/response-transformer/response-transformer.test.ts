import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Headers } from '../../runtime/protocol.ts'
import { headersAfter, loadPlugin, type PluginUnderTest } from '../test-harness.ts'

let plugin: PluginUnderTest
beforeAll(async () => {
  plugin = await loadPlugin('response-transformer')
})
afterAll(() => plugin?.dispose())

const JSON_RESPONSE: Headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': '42' }

function filters(config: Record<string, unknown>, headers: Headers, chunks: string[]) {
  const request = plugin.request(config)
  request.run('access')
  const response = { status: 200, headers, source: 'service' as const }
  const header = request.run('headerFilter', { delta: { response } })
  expect(header.status).toBe('ok')
  let body = ''
  const logs: string[] = []
  chunks.forEach((text, i) => {
    const run = request.run('bodyFilter', { chunk: { text, eof: i === chunks.length - 1 } })
    expect(run.status).toBe('ok')
    logs.push(...run.logs.map((line) => `${line.level}: ${line.message}`))
    const sent = run.result.chunk
    body += sent === undefined ? text : Buffer.from(sent, 'base64').toString('utf8')
  })
  return { headers: headersAfter(header.result.mutations, 'response', headers), body, logs }
}

describe('response-transformer configuration', () => {
  it("fills Kong's defaults and checks pairs, header names and json types", () => {
    const empty = { json: [], json_types: [], headers: [] }
    expect(plugin.validate({})).toEqual({
      ok: true,
      config: {
        remove: { json: [], headers: [] },
        rename: { json: [], headers: [] },
        replace: empty,
        add: empty,
        append: empty,
      },
    })
    const bad = plugin.validate({
      rename: { headers: ['x-a:not valid'] },
      add: { json: ['novalue'], json_types: ['date'] },
    })
    expect(bad.ok ? null : bad.errors).toEqual({
      rename: { headers: ['invalid value: x-a:not valid'] },
      add: { json: ['invalid value: novalue'], json_types: ['expected one of: boolean, number, string'] },
    })
  })
})

describe('response-transformer headers', () => {
  it('removes, renames, replaces, adds and appends, testing presence on the original headers', () => {
    const { headers } = filters(
      {
        remove: { headers: ['x-gone', 'x-readd'] },
        rename: { headers: ['x-old:x-new'] },
        replace: { headers: ['x-keep:replaced', 'x-absent:never'] },
        add: { headers: ['x-readd:not-again', 'x-added:1', 'x-keep:not-added'] },
        append: { headers: ['x-list:b', 'x-fresh:1'] },
      },
      { 'x-gone': '1', 'x-readd': 'first', 'x-old': ['a', 'b'], 'x-keep': 'k', 'x-list': 'a' },
      ['plain'],
    )
    expect(headers).toEqual({
      'x-new': ['a', 'b'],
      'x-keep': 'replaced',
      'x-added': '1',
      'x-list': ['a', 'b'],
      'x-fresh': '1',
    })
  })

  it('drops Content-Length only when a JSON body will change', () => {
    expect(
      filters({ add: { json: ['a:1'] } }, JSON_RESPONSE, ['{}']).headers['content-length'],
    ).toBeUndefined()
    expect(
      filters({ add: { json: ['a:1'] } }, { 'content-type': 'text/plain', 'content-length': '2' }, ['{}'])
        .headers,
    ).toMatchObject({ 'content-length': '2' })
    expect(filters({ add: { headers: ['a:1'] } }, JSON_RESPONSE, ['{}']).headers).toMatchObject({
      'content-length': '42',
    })
  })
})

describe('response-transformer JSON bodies', () => {
  it('buffers the chunks and transforms the whole body, in order', () => {
    const { body } = filters(
      {
        remove: { json: ['secret'] },
        rename: { json: ['name:username'] },
        replace: { json: ['role:admin', 'flag:x', 'missing:x'] },
        add: { json: ['count:5', 'ok:true', 'n:null-ish', 'role:no'], json_types: ['number', 'boolean'] },
        append: { json: ['tags:b', 'list:z', 'path:a/"b"'] },
      },
      JSON_RESPONSE,
      ['{"secret":1,"name":"ann",', '"role":"user","flag":false,', '"tags":"a","list":["y"]}'],
    )
    expect(JSON.parse(body)).toEqual({
      username: 'ann',
      role: 'admin',
      flag: false,
      tags: ['a', 'b'],
      list: ['y', 'z'],
      count: 5,
      ok: true,
      n: 'null-ish',
      path: ['a/"b"'],
    })
  })

  it('leaves non-JSON content types and unparsable bodies as they were', () => {
    const config = { add: { json: ['a:1'] } }
    expect(filters(config, { 'content-type': 'text/plain' }, ['{"x":1}']).body).toBe('{"x":1}')
    expect(filters(config, { 'content-type': 'application/vnd.api+json' }, ['{"x":1}']).body).toBe('{"x":1}')
    const broken = filters(config, JSON_RESPONSE, ['{"x":', '1'])
    expect(broken.body).toBe('{"x":1')
    expect(broken.logs).toEqual(['warn: body transform failed: failed parsing json body'])
  })
})
