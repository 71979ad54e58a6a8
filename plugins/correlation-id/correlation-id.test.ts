import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPlugin, type PluginUnderTest } from '../test-harness.ts'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
const served = {
  response: { status: 200, headers: { 'content-type': 'text/plain' }, source: 'service' as const },
}

let plugin: PluginUnderTest
beforeAll(async () => {
  plugin = await loadPlugin('correlation-id')
})
afterAll(() => plugin?.dispose())

function upstreamHeader(run: ReturnType<ReturnType<PluginUnderTest['request']>['run']>): unknown {
  const set = run.result.mutations.find((m) => m.op === 'service.request.setHeader')
  return set && 'value' in set ? [set.name, set.value] : undefined
}

describe('correlation-id', () => {
  it("fills Kong's defaults and refuses unknown generators", () => {
    expect(plugin.validate({})).toEqual({
      ok: true,
      config: { header_name: 'Kong-Request-ID', generator: 'uuid#counter', echo_downstream: false },
    })
    const bad = plugin.validate({ generator: 'random', colour: 1 })
    expect(bad.ok ? null : bad.errors).toEqual({
      generator: 'expected one of: uuid, uuid#counter, tracker',
      colour: 'unknown field',
    })
  })

  it('uuid#counter: one UUID per isolate, counting up per request', () => {
    const ids = [1, 2, 3].map(() => upstreamHeader(plugin.request({}).run('access')) as [string, string])
    expect(ids[0]?.[0]).toBe('Kong-Request-ID')
    const [prefix, n] = (ids[0]?.[1] ?? '').split('#')
    expect(prefix).toMatch(new RegExp(`^${UUID}$`))
    expect(ids.map((id) => id[1])).toEqual([
      `${prefix}#${n}`,
      `${prefix}#${Number(n) + 1}`,
      `${prefix}#${Number(n) + 2}`,
    ])
  })

  it('uuid: a fresh random UUID per request', () => {
    const a = upstreamHeader(plugin.request({ generator: 'uuid', header_name: 'X-Id' }).run('access'))
    const b = upstreamHeader(plugin.request({ generator: 'uuid', header_name: 'X-Id' }).run('access'))
    expect(a).toEqual(['X-Id', expect.stringMatching(new RegExp(`^${UUID}$`))])
    expect(b).not.toEqual(a)
  })

  it('tracker: node, port, isolate, connection, counter and start time', () => {
    const id = upstreamHeader(plugin.request({ generator: 'tracker' }).run('access')) as [string, string]
    expect(id[1]).toMatch(/^test-host-8000-[0-9a-f]{8}-127\.0\.0\.1:40000-\d+-1700000000\.000$/)
  })

  it("keeps the client's non-empty ID and puts it in the log serializer", () => {
    const request = plugin.request(
      { echo_downstream: true },
      { headers: { host: 'example.com', 'kong-request-id': 'client-id' } },
    )
    const access = request.run('access')
    expect(access.status).toBe('ok')
    expect(upstreamHeader(access)).toBeUndefined()
    const echoed = request.run('headerFilter', { delta: served })
    expect(echoed.result.mutations).toEqual([
      { op: 'response.setHeader', name: 'Kong-Request-ID', value: 'client-id' },
    ])
    const empty = plugin.request({}, { headers: { 'kong-request-id': '' } }).run('access')
    expect(upstreamHeader(empty)).toEqual(['Kong-Request-ID', expect.stringMatching(/#\d+$/)])
  })

  it('echoes the generated ID downstream only with echo_downstream', () => {
    const echoing = plugin.request({ echo_downstream: true, generator: 'uuid' })
    const [, id] = upstreamHeader(echoing.run('access')) as [string, string]
    expect(echoing.run('headerFilter', { delta: served }).result.mutations).toEqual([
      { op: 'response.setHeader', name: 'Kong-Request-ID', value: id },
    ])
    const quiet = plugin.request({})
    quiet.run('access')
    expect(quiet.run('headerFilter', { delta: served }).result.mutations).toEqual([])
  })

  it('makes an ID in headerFilter when access did not run (another plugin answered)', () => {
    const run = plugin
      .request({ echo_downstream: true, generator: 'uuid' })
      .run('headerFilter', { delta: { response: { status: 401, headers: {}, source: 'exit' } } })
    expect(run.result.mutations).toEqual([
      {
        op: 'response.setHeader',
        name: 'Kong-Request-ID',
        value: expect.stringMatching(new RegExp(`^${UUID}$`)),
      },
    ])
  })
})
