import { Readable } from 'node:stream'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/** The PDK as a plugin sees it in a real gateway: getters against the real request, setters upstream. */
describe('the PDK through a real gateway', () => {
  let upstream: EchoServer
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway({ plugins: 'pdk-probe', plugin_paths: FIXTURE_PLUGINS })
    expect((await gw.admin('POST', '/services', { name: 'probe', url: `${upstream.url}/base` })).status).toBe(
      201,
    )
    const route = await gw.admin('POST', '/services/probe/routes', {
      name: 'probe-route',
      paths: ['~/probe/(?<item>[a-z]+)'],
    })
    expect(route.status).toBe(201)
    expect((await gw.admin('POST', '/plugins', { name: 'pdk-probe' })).status).toBe(201)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  it('reads the request, client, router, node and ip modules', async () => {
    const answer = await request(`${gw.proxyUrl}/probe/thing?a=1&b=two`, {
      method: 'POST',
      headers: { 'x-probe-in': 'hello', 'content-type': 'application/json', host: 'probe.test' },
      body: JSON.stringify({ n: 1 }),
    })
    expect(answer.statusCode).toBe(200)
    const echoed = (await answer.body.json()) as {
      headers: Record<string, string>
      body: string
      path: string
    }
    const report = JSON.parse(echoed.headers['x-probe'] as string)
    const port = Number(new URL(gw.proxyUrl).port)
    expect(report).toMatchObject({
      scheme: 'http',
      host: 'probe.test',
      port,
      forwardedScheme: 'http',
      forwardedHost: 'probe.test',
      forwardedPort: port,
      httpVersion: 1.1,
      method: 'POST',
      path: '/probe/thing',
      pathWithQuery: '/probe/thing?a=1&b=two',
      rawPath: '/probe/thing',
      rawQuery: 'a=1&b=two',
      queryArg: '1',
      query: { a: '1', b: 'two' },
      header: 'hello',
      rawBody: '{"n":1}',
      body: { n: 1 },
      startTimeIsRecent: true,
      clientIp: '127.0.0.1',
      forwardedIp: '127.0.0.1',
      clientPortIsNumber: true,
      protocol: 'http',
      consumer: null,
      route: 'probe-route',
      service: 'probe',
      nodeIdLength: 36,
      hostnameIsString: true,
    })
    expect(report.uriCaptures).toMatchObject({ named: { item: 'thing' } })
    expect(report.headerCount).toBeGreaterThan(3)
    // the body a plugin read still reaches the upstream
    expect(echoed.body).toBe('{"n":1}')
  })

  it('reads the response in headerFilter and adds repeated headers', async () => {
    const answer = await fetch(`${gw.proxyUrl}/probe/thing`)
    const seen = JSON.parse(answer.headers.get('x-probe-response') as string)
    expect(seen).toEqual({
      status: 200,
      source: 'service',
      contentType: 'application/json',
      serviceStatus: 200,
      serviceHeader: 'application/json',
    })
    expect(answer.headers.get('x-probe-multi')).toBe('a, b')
    // without a body, getBody failed the way Kong's does, and the plugin carried on
    const echoed = (await answer.json()) as { headers: Record<string, string> }
    expect(JSON.parse(echoed.headers['x-probe'] as string).body).toBe('error: missing content type')
  })

  it('interleaves requests in one isolate while a handler awaits host I/O', async () => {
    // A's body arrives slowly, so its handler waits in getRawBody; B goes through meanwhile.
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    async function* slowBody() {
      yield Buffer.from('{"part":')
      await gate
      yield Buffer.from('1}')
    }
    const order: string[] = []
    const a = request(`${gw.proxyUrl}/probe/slow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(slowBody()),
    }).then(async (answer) => {
      order.push('a')
      return (await answer.body.json()) as { headers: Record<string, string> }
    })
    const b = await fetch(`${gw.proxyUrl}/probe/fast`)
    order.push('b')
    expect(b.status).toBe(200)
    release()
    const echoedA = await a
    expect(order).toEqual(['b', 'a'])
    expect(JSON.parse(echoedA.headers['x-probe'] as string).body).toEqual({ part: 1 })
  })

  it('shapes the upstream request with the service.request setters', async () => {
    const answer = await fetch(`${gw.proxyUrl}/probe/thing?a=1`, {
      method: 'POST',
      headers: { 'x-probe-rewrite': '1', 'x-probe-in': 'gone' },
      body: 'original',
    })
    const echoed = (await answer.json()) as {
      method: string
      path: string
      query: string
      headers: Record<string, string>
      body: string
    }
    expect(echoed).toMatchObject({ method: 'PUT', path: '/probed', query: 'p=1', body: 'replaced body' })
    expect(echoed.headers['x-added']).toBe('one')
    expect(echoed.headers['x-probe-in']).toBeUndefined()
  })
})
