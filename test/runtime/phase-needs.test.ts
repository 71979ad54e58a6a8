import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { createPluginIsolate } from '../../runtime/isolate/index.ts'
import type { PhaseName } from '../../runtime/protocol.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

const REFUSED = 'phases(config) answer refused: those configurations run every phase their handler has'

/** Polls (bounded) until `found` answers something. */
async function waitFor<T>(found: () => T | undefined): Promise<T | undefined> {
  for (let i = 0; i < 100 && found() === undefined; i++) await new Promise((r) => setTimeout(r, 20))
  return found()
}

for (const isolation of ['plugin', 'workspace'] as const) {
  describe(`phases(config) through a real gateway (isolation = ${isolation})`, () => {
    let upstream: EchoServer
    let gw: TestGateway
    /** The phases each request crossed into an isolate for, by request id (every isolate's calls). */
    const crossed = new Map<string, PhaseName[]>()
    /** Config id of each route's `phased` instance. */
    const ids = new Map<string, string>()
    let consumer = ''

    beforeAll(async () => {
      upstream = await startEchoServer()
      gw = await startTestGateway(
        {
          plugins: 'phased,response-transformer,correlation-id,authenticator',
          plugin_paths: FIXTURE_PLUGINS,
          isolation,
          // a configure that loops is stopped by its limit: keep it short
          plugin_wall_ms: 1000,
        },
        {
          captureLogs: true,
          createIsolate: async (options) => {
            const isolate = await createPluginIsolate(options)
            const dispatch = isolate.dispatch.bind(isolate)
            isolate.dispatch = (message, ...rest) => {
              if (message.kind === 'call')
                crossed.set(message.rid, [...(crossed.get(message.rid) ?? []), message.phase as PhaseName])
              return dispatch(message, ...rest)
            }
            return isolate
          },
        },
      )
      const route = async (prefix: string, name: string, plugin: { name: string; config: unknown }) => {
        expect((await gw.admin('POST', `${prefix}/services`, { name, url: upstream.url })).status).toBe(201)
        const created = await gw.admin('POST', `${prefix}/services/${name}/routes`, {
          name,
          paths: [`/${name}`],
        })
        expect(created.status).toBe(201)
        const added = await gw.admin('POST', `${prefix}/routes/${name}/plugins`, plugin)
        expect(added.status).toBe(201)
        ids.set(name, added.body.id)
      }
      await route('', 'quiet', { name: 'phased', config: { filters: false } })
      await route('', 'loud', { name: 'phased', config: { filters: true } })
      for (const answer of ['unknown', 'not-a-list', 'throws', 'no-method'])
        await route('', answer, { name: 'phased', config: { answer } })
      await route('', 'headers-only', {
        name: 'response-transformer',
        config: { add: { headers: ['x-rt:1'] } },
      })
      await route('', 'json-body', { name: 'response-transformer', config: { add: { json: ['added:1'] } } })
      await route('', 'cid', { name: 'correlation-id', config: {} })
      await route('', 'cid-echo', { name: 'correlation-id', config: { echo_downstream: true } })
      // Consumer-scoped: the route's instance needs access only, the consumer's needs the filters too.
      await route('', 'scoped', { name: 'phased', config: { filters: false } })
      consumer = (await gw.admin('POST', '/consumers', { username: 'phased-c' })).body.id
      const scoped = { route: { name: 'scoped' }, consumer: { id: consumer } }
      expect(
        (await gw.admin('POST', '/plugins', { name: 'phased', config: { filters: true }, ...scoped })).status,
      ).toBe(201)
      expect((await gw.admin('POST', '/routes/scoped/plugins', { name: 'authenticator' })).status).toBe(201)
      expect((await gw.admin('POST', '/workspaces', { name: 'spin' })).status).toBe(201)
      await route('/spin', 'spin', { name: 'phased', config: { answer: 'loops' } })
    })
    afterAll(async () => {
      await gw?.stop()
      await upstream?.close()
    })

    const get = async (path: string) => {
      const answer = await fetch(`${gw.proxyUrl}${path}`)
      const body = await answer.text()
      return { answer, body, rid: answer.headers.get('x-isogate-request-id') ?? '' }
    }

    it('calls only the phases a configuration declares; the response takes the plain path', async () => {
      const quiet = await get('/quiet')
      expect(quiet.answer.status).toBe(200)
      expect(JSON.parse(quiet.body).headers['x-phased']).toBe('access')
      expect(quiet.answer.headers.get('x-phased-filter')).toBeNull()
      // No filter needed: the upstream's Content-Length passes through, nothing is re-chunked.
      expect(quiet.answer.headers.get('content-length')).toBe(String(Buffer.byteLength(quiet.body)))
      expect(quiet.answer.headers.get('transfer-encoding')).toBeNull()

      const loud = await get('/loud')
      expect(loud.answer.status).toBe(200)
      expect(loud.answer.headers.get('x-phased-filter')).toBe('ran')
      // bodyFilter is needed here: the body is streamed through it, chunked.
      expect(loud.answer.headers.get('content-length')).toBeNull()
      expect(loud.answer.headers.get('transfer-encoding')).toBe('chunked')
      // log runs after the response: wait (bounded) for its line, then every crossing is in.
      const logged = await waitFor(() =>
        gw.logs.find((line) => line.request_id === loud.rid && line.msg === 'phased log ran'),
      )
      expect(logged).toBeDefined()
      // (bodyFilter once per chunk, the last one empty)
      expect([...new Set(crossed.get(loud.rid))]).toEqual(['access', 'headerFilter', 'bodyFilter', 'log'])
      expect(crossed.get(quiet.rid)).toEqual(['access'])
      expect(
        gw.logs.find((line) => line.request_id === quiet.rid && line.msg === 'phased log ran'),
      ).toBeUndefined()
    })

    it('runs every phase of the handler for a bad answer, with a warning naming why', async () => {
      for (const path of ['/unknown', '/not-a-list', '/throws', '/no-method']) {
        const { answer } = await get(path)
        expect(answer.status).toBe(200)
        expect(answer.headers.get('x-phased-filter')).toBe('ran')
      }
      const refused = new Map<string, string>()
      for (const line of gw.logs) {
        if (line.msg !== REFUSED || line.plugin !== 'phased') continue
        expect(line.level).toBe('warn')
        for (const { config, detail } of line.refused as { config: string; detail: string }[])
          refused.set(config, detail)
      }
      expect(refused.get(ids.get('unknown') as string)).toMatch(/"teleport" is not a request phase/)
      expect(refused.get(ids.get('not-a-list') as string)).toMatch(/returned a string, not a list/)
      expect(refused.get(ids.get('throws') as string)).toMatch(/phases exploded/)
      expect(refused.get(ids.get('no-method') as string)).toMatch(/the handler has no response method/)
      expect(refused.has(ids.get('quiet') as string)).toBe(false)
    })

    it('stops a phases(config) that never returns at the limit: 503, one failure line, others unaffected', async () => {
      const spin = await get('/spin')
      expect(spin.answer.status).toBe(503)
      const failed = gw.logs.find((line) => line.request_id === spin.rid && line.msg === 'plugin failed')
      expect(failed).toMatchObject({ workspace: 'spin', plugin: 'phased', phase: 'configure' })
      expect(['cpu_limit', 'wall_limit']).toContain(failed?.reason)
      expect((await get('/quiet')).answer.status).toBe(200)
    })

    it('response-transformer needs no body filter for header changes (Content-Length kept)', async () => {
      const headers = await get('/headers-only')
      expect(headers.answer.headers.get('x-rt')).toBe('1')
      expect(headers.answer.headers.get('content-length')).toBe(String(Buffer.byteLength(headers.body)))
      expect(crossed.get(headers.rid)).toEqual(['headerFilter'])

      const json = await get('/json-body')
      expect(JSON.parse(json.body).added).toBe('1')
      expect(json.answer.headers.get('content-length')).toBeNull()
    })

    it('correlation-id crosses for headerFilter only with echo_downstream', async () => {
      const plain = await get('/cid')
      expect(JSON.parse(plain.body).headers['kong-request-id']).toMatch(/#\d+$/)
      expect(plain.answer.headers.get('kong-request-id')).toBeNull()
      expect(crossed.get(plain.rid)).toEqual(['access'])

      const echoed = await get('/cid-echo')
      const id = JSON.parse(echoed.body).headers['kong-request-id']
      expect(echoed.answer.headers.get('kong-request-id')).toBe(id)
      expect(crossed.get(echoed.rid)).toEqual(['access', 'headerFilter'])
    })

    it('re-selects a consumer-scoped instance after authentication and calls the phases it needs', async () => {
      const anonymous = await get('/scoped')
      expect(anonymous.answer.status).toBe(200)
      expect(anonymous.answer.headers.get('x-phased-filter')).toBeNull()
      expect(crossed.get(anonymous.rid)).not.toContain('headerFilter')

      const answer = await fetch(`${gw.proxyUrl}/scoped`, { headers: { 'x-consumer-id': consumer } })
      await answer.text()
      expect(answer.status).toBe(200)
      expect(answer.headers.get('x-phased-filter')).toBe('ran')
      expect(crossed.get(answer.headers.get('x-isogate-request-id') ?? '')).toContain('headerFilter')
    })
  })
}
