import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { createPluginIsolate, type IsolateHandle } from '../../runtime/isolate/index.ts'
import type { PhaseCall } from '../../runtime/protocol.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

describe('a workspace isolate (isolation = workspace)', () => {
  let upstream: EchoServer
  let gw: TestGateway
  const built: { plugins: string[]; isolate: IsolateHandle }[] = []
  /** The `run` list of every access call: as sent, or the one its plan id names (sent before). */
  const accessRuns: PhaseCall['run'][] = []
  const plans = new Map<number | undefined, PhaseCall['run']>()

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway(
      {
        plugins: 'tagger,gatekeeper,shouter,streamer',
        plugin_paths: FIXTURE_PLUGINS,
        isolation: 'workspace',
      },
      {
        createIsolate: async (options) => {
          const isolate = await createPluginIsolate(options)
          built.push({ plugins: options.plugins.map((p) => p.name), isolate })
          const dispatch = isolate.dispatch.bind(isolate)
          isolate.dispatch = (message, timeoutMs, tail) => {
            if (message.kind === 'call' && message.run !== undefined) plans.set(message.plan, message.run)
            if (message.kind === 'call' && message.phase === 'access')
              accessRuns.push(plans.get(message.plan))
            return dispatch(message, timeoutMs, tail)
          }
          return isolate
        },
      },
    )
    expect((await gw.admin('POST', '/services', { name: 's', url: upstream.url })).status).toBe(201)
    expect((await gw.admin('POST', '/services/s/routes', { paths: ['/'] })).status).toBe(201)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  const get = async () => {
    const response = await request(`${gw.proxyUrl}/x`)
    const reply = (await response.body.json()) as EchoReply
    return { status: response.statusCode, headers: response.headers, reply }
  }

  it('loads only the plugins its workspace configures', async () => {
    expect((await gw.admin('POST', '/plugins', { name: 'tagger', config: { value: 'one' } })).status).toBe(
      201,
    )
    const { status, reply } = await get()
    expect(status).toBe(200)
    expect(reply.headers['x-tagger']).toBe('one')
    expect(built.map((b) => b.plugins)).toEqual([['tagger']])
  })

  it('is replaced by one with the new plugin when the workspace takes it up, the old one disposed', async () => {
    const added = await gw.admin('POST', '/plugins', { name: 'gatekeeper' })
    expect(added.status).toBe(201)
    const { status, reply } = await get()
    expect(status).toBe(200)
    expect(reply.headers['x-tagger']).toBe('one')
    expect(built.map((b) => [...b.plugins].sort())).toEqual([['tagger'], ['gatekeeper', 'tagger']])
    const blocked = await request(`${gw.proxyUrl}/x`, { headers: { 'x-block': '1' } })
    await blocked.body.dump()
    expect(blocked.statusCode).toBe(403)
    expect(blocked.headers['x-blocked-by']).toBe('gatekeeper')
    expect(built[0]?.isolate.disposed).toBe(true)
    expect(built[1]?.isolate.disposed).toBe(false)
  })

  it("names a plugin's only config '' in a call, and each config by id once there are several", async () => {
    accessRuns.length = 0
    expect((await get()).status).toBe(200)
    expect(accessRuns.at(-1)).toEqual([
      { plugin: 'gatekeeper', config: '' },
      { plugin: 'tagger', config: '' },
    ])
    const route = await gw.admin('POST', '/services/s/routes', { name: 'two', paths: ['/two'] })
    const scoped = await gw.admin('POST', '/routes/two/plugins', { name: 'tagger', config: { value: 'two' } })
    expect(scoped.status).toBe(201)
    expect(route.status).toBe(201)
    const response = await request(`${gw.proxyUrl}/two`)
    const reply = (await response.body.json()) as EchoReply
    expect(reply.headers['x-tagger']).toBe('two')
    expect(accessRuns.at(-1)).toEqual([
      { plugin: 'gatekeeper', config: '' },
      { plugin: 'tagger', config: scoped.body.id },
    ])
  })
})
