import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

for (const isolation of ['plugin', 'workspace'] as const) {
  describe(`plugin phases through a real gateway (isolation = ${isolation})`, () => {
    let upstream: EchoServer
    let gw: TestGateway

    beforeAll(async () => {
      upstream = await startEchoServer()
      gw = await startTestGateway(
        { plugins: 'tagger,gatekeeper,shouter,streamer', plugin_paths: FIXTURE_PLUGINS, isolation },
        { captureLogs: true },
      )
      for (const name of ['plain', 'loud', 'streamed']) {
        expect((await gw.admin('POST', '/services', { name, url: upstream.url })).status).toBe(201)
        expect(
          (await gw.admin('POST', `/services/${name}/routes`, { name, paths: [`/${name}`] })).status,
        ).toBe(201)
      }
      const plugin = async (body: unknown) =>
        expect((await gw.admin('POST', '/plugins', body)).status).toBe(201)
      await plugin({ name: 'tagger', config: { value: 'global' } })
      await plugin({ name: 'gatekeeper' })
      await plugin({ name: 'shouter', route: { name: 'loud' } })
      await plugin({ name: 'streamer', route: { name: 'streamed' } })
    })
    afterAll(async () => {
      await gw?.stop()
      await upstream?.close()
    })

    it('runs access in priority order and shapes the upstream request; headerFilter shapes the response', async () => {
      const answer = await fetch(`${gw.proxyUrl}/plain/x`)
      expect(answer.status).toBe(200)
      expect(answer.headers.get('x-tagger-seen')).toBe('global')
      const echoed = (await answer.json()) as { headers: Record<string, string> }
      expect(echoed.headers['x-tagger']).toBe('global')
      expect(echoed.headers['x-order']).toBe('gatekeeper')
      // initWorker ran in the isolate before its first request, configure got the one instance
      expect(echoed.headers['x-tagger-init']).toBe('true')
      expect(echoed.headers['x-tagger-instances']).toBe('1')
      // rewrite ran for the global instance
      expect(echoed.headers['x-rewritten']).toBe('yes')
      // log runs after the response was sent: wait for its line (bounded)
      const requestId = answer.headers.get('x-isogate-request-id')
      const logged = () => gw.logs.find((line) => line.request_id === requestId && line.phase === 'log')
      for (let i = 0; i < 50 && !logged(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
      expect(logged()).toMatchObject({ plugin: 'tagger', level: 'notice', msg: 'tagger saw status 200' })
    })

    it('an exit short-circuits access, yet the header filters of every matched plugin still run', async () => {
      const answer = await fetch(`${gw.proxyUrl}/plain/x`, { headers: { 'x-block': '1' } })
      expect(answer.status).toBe(403)
      expect(await answer.json()).toEqual({ message: 'blocked' })
      expect(answer.headers.get('x-blocked-by')).toBe('gatekeeper')
      // tagger's access never ran (gatekeeper exited first), its headerFilter did
      expect(answer.headers.get('x-tagger-seen')).toBe('no')
    })

    it('an async handler may exit before its first await', async () => {
      const answer = await fetch(`${gw.proxyUrl}/plain/x`, { headers: { 'x-block-now': '1' } })
      expect(answer.status).toBe(451)
      // Kong: exit without a body sends none
      expect(await answer.text()).toBe('')
    })

    it('a response-phase plugin buffers and replaces the upstream answer', async () => {
      const answer = await fetch(`${gw.proxyUrl}/loud/quiet`)
      expect(answer.status).toBe(200)
      expect(answer.headers.get('x-shouted')).toBe('yes')
      expect(await answer.text()).toContain('"PATH":"/QUIET"')
    })

    it('a bodyFilter plugin rewrites the streamed body', async () => {
      const answer = await fetch(`${gw.proxyUrl}/streamed/s`)
      const text = await answer.text()
      expect(text).toContain('"PATH":"/s"')
      expect(text).not.toContain('"path"')
    })

    it('a PATCHed plugin config applies to the next request', async () => {
      const list = await gw.admin('GET', '/plugins?size=100')
      const tagger = list.body.data.find((p: { name: string }) => p.name === 'tagger')
      expect(
        (await gw.admin('PATCH', `/plugins/${tagger.id}`, { config: { value: 'patched' } })).status,
      ).toBe(200)
      const echoed = (await (await fetch(`${gw.proxyUrl}/plain/y`)).json()) as {
        headers: Record<string, string>
      }
      expect(echoed.headers['x-tagger']).toBe('patched')
      await gw.admin('PATCH', `/plugins/${tagger.id}`, { config: { value: 'global' } })
    })

    it('a disabled plugin stops running', async () => {
      const list = await gw.admin('GET', '/plugins?size=100')
      const gate = list.body.data.find((p: { name: string }) => p.name === 'gatekeeper')
      await gw.admin('PATCH', `/plugins/${gate.id}`, { enabled: false })
      const answer = await fetch(`${gw.proxyUrl}/plain/z`, { headers: { 'x-block': '1' } })
      expect(answer.status).toBe(200)
      await gw.admin('PATCH', `/plugins/${gate.id}`, { enabled: true })
    })
  })
}
