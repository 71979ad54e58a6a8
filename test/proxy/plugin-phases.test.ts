import { type IncomingMessage, request } from 'node:http'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { EgressPolicy } from '../../host/egress/index.ts'
import type { Route, Service } from '../../host/entities/types.ts'
import {
  freePort,
  route,
  send,
  service,
  signal,
  startProxy,
  startUpstream,
  type TestProxy,
  within,
} from './helpers.ts'
import { type PluginScript, type ScriptedPlugins, scriptedPlugins } from './scripted-plugins.ts'

let echo: EchoServer
let echo2: EchoServer
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  echo = await startEchoServer()
  echo2 = await startEchoServer()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(async () => {
  await echo.close()
  await echo2.close()
})

/** A proxy whose only route `/` goes to `svc` (default: the echo server), with scripted plugins. */
async function gateway(
  script: PluginScript,
  svc: Service = service(echo.port),
  routes: Route[] = [route(svc, { paths: ['/'] })],
): Promise<{ gw: TestProxy; plugins: ScriptedPlugins }> {
  const plugins = scriptedPlugins(script)
  const gw = await startProxy(routes, [svc], { plugins: plugins.hooks })
  cleanups.push(() => gw.close())
  return { gw, plugins }
}

const echoed = (body: string) => JSON.parse(body) as EchoReply
const upper = (chunk: Buffer) => Buffer.from(chunk.toString().toUpperCase())

describe('without plugin work', () => {
  it('proxies as usual when begin answers null, and swapping hooks takes effect at once', async () => {
    const { gw, plugins } = await gateway({
      applies: () => false,
      headerFilter: () => ({ status: 418, headers: {} }),
    })
    const reply = await send(gw.port, '/plain?x=1')
    expect(reply.status).toBe(200)
    expect(echoed(reply.body)).toMatchObject({ path: '/plain', query: 'x=1' })
    expect(plugins.calls.size).toBe(0)

    const teapot = scriptedPlugins({ headerFilter: (_status, headers) => ({ status: 418, headers }) })
    gw.proxy.setPlugins(teapot.hooks)
    expect((await send(gw.port, '/')).status).toBe(418)
    gw.proxy.setPlugins(null)
    expect((await send(gw.port, '/')).status).toBe(200)
  })
})

describe('access', () => {
  it('applies the upstream changes: method, path, query, headers and a replaced body', async () => {
    const { gw, plugins } = await gateway({
      async access(info, upstream) {
        // What the runtime does for kong.request.getRawBody(): the proxy has left the body unread.
        const chunks: Buffer[] = []
        for await (const chunk of info.req) chunks.push(chunk as Buffer)
        const { 'x-remove': _removed, ...headers } = upstream.headers
        return {
          kind: 'proxy',
          upstream: {
            ...upstream,
            method: 'PUT',
            path: '/changed/path',
            rawQuery: 'a=1&b=two',
            headers: { ...headers, 'x-added': 'yes' },
            body: upper(Buffer.concat(chunks)),
          },
        }
      },
    })
    const reply = await send(gw.port, '/original?q=0', {
      method: 'POST',
      headers: { 'x-remove': 'gone', 'x-keep': 'kept', 'transfer-encoding': 'chunked' },
      body: 'hello body',
    })
    expect(reply.status).toBe(200)
    const seen = echoed(reply.body)
    expect(seen).toMatchObject({
      method: 'PUT',
      path: '/changed/path',
      query: 'a=1&b=two',
      body: 'HELLO BODY',
    })
    expect(seen.headers['content-length']).toBe('10')
    expect(seen.headers['transfer-encoding']).toBeUndefined()
    expect(seen.headers['x-added']).toBe('yes')
    expect(seen.headers['x-keep']).toBe('kept')
    expect(seen.headers['x-remove']).toBeUndefined()
    // The gateway's own headers are still added.
    expect(seen.headers['x-forwarded-path']).toBe('/original')
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1')
    // Upstream, Via names this node (a loop through its public name is recognisable).
    expect(seen.headers.via).toMatch(/^1\.1 isogate-[0-9a-f]{8}\/9\.9\.9$/)
    expect(seen.headers['x-isogate-request-id']).toBe(reply.headers['x-isogate-request-id'])
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['access', 'log', 'end'])
  })

  it('sends to an overridden target, with its Host header', async () => {
    const target = { host: '127.0.0.1', port: echo2.port, plugin: 'p', workspace: 'default' }
    const svc = service(await freePort())
    const plugins = scriptedPlugins({
      access: (_info, upstream) => ({ kind: 'proxy', upstream: { ...upstream, target } }),
    })
    // Loopback is in the default plugin_egress_deny; test/proxy/egress.test.ts covers the refusal.
    const egress = new EgressPolicy({ deny: [], allow: [], resolvers: [] })
    const gw = await startProxy([route(svc, { paths: ['/'] })], [svc], { plugins: plugins.hooks, egress })
    cleanups.push(() => gw.close())
    const reply = await send(gw.port, '/t')
    expect(reply.status).toBe(200)
    expect(echoed(reply.body).headers.host).toBe(`127.0.0.1:${echo2.port}`)
  })

  it('uses the retries override (0: one attempt) and the read timeout override (504)', async () => {
    const refused = await gateway(
      { access: (_info, upstream) => ({ kind: 'proxy', upstream: { ...upstream, retries: 0 } }) },
      service(await freePort(), { retries: 5 }),
    )
    expect((await send(refused.gw.port, '/')).status).toBe(502)
    expect(refused.gw.accessLog[0]?.tries).toBe(1)

    const slow = await gateway({
      access: (_info, upstream) => ({
        kind: 'proxy',
        upstream: { ...upstream, timeouts: { connect: 1000, write: 1000, read: 50 } },
      }),
    })
    const reply = await send(slow.gw.port, '/', { headers: { 'x-echo-delay-ms': '2000' } })
    expect(reply.status).toBe(504)
    expect(JSON.parse(reply.body)).toEqual({ message: 'The upstream server is timing out' })
  })

  it('answers a plugin exit through headerFilter, bodyFilter and log, never reaching the upstream', async () => {
    let upstreamHits = 0
    const upstream = await startUpstream((_req, res) => {
      upstreamHits++
      res.end('upstream')
    })
    cleanups.push(upstream.close)
    const { gw, plugins } = await gateway(
      {
        access: () => ({
          kind: 'answer',
          answer: {
            status: 403,
            headers: { 'content-type': 'text/plain', 'x-exit': 'yes' },
            body: Buffer.from('denied'),
          },
          failure: null,
        }),
        headerFilter: (status, headers, source) => ({ status, headers: { ...headers, 'x-source': source } }),
        bodyFilter: (chunk) => Buffer.from(`${chunk.toString()}!!`),
      },
      service(upstream.port),
    )
    const reply = await send(gw.port, '/')
    expect(reply.status).toBe(403)
    expect(reply.body).toBe('denied!!')
    expect(reply.headers).toMatchObject({ 'x-exit': 'yes', 'x-source': 'exit', 'content-length': '8' })
    expect(reply.headers['x-isogate-response-latency']).toBeDefined()
    expect(upstreamHits).toBe(0)
    await within(plugins.ended(), 'end')
    expect([...plugins.calls.values()][0]).toEqual([
      { phase: 'access' },
      { phase: 'headerFilter', status: 403, source: 'exit' },
      { phase: 'bodyFilter', chunk: 'denied', eof: true },
      { phase: 'log', status: 403, bytesSent: expect.any(Number) },
      { phase: 'end' },
    ])
  })

  it.each([500, 503] as const)('answers a plugin failure (%i) with source error', async (status) => {
    const message =
      status === 500 ? 'An unexpected error occurred' : 'The upstream server is currently unavailable'
    const { gw, plugins } = await gateway({
      access: () => ({
        kind: 'answer',
        answer: {
          status,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: Buffer.from(JSON.stringify({ message })),
        },
        failure: { status },
      }),
      headerFilter: (s, headers, source) => ({ status: s, headers: { ...headers, 'x-source': source } }),
    })
    const reply = await send(gw.port, '/')
    expect(reply.status).toBe(status)
    expect(JSON.parse(reply.body)).toEqual({ message })
    expect(reply.headers['x-source']).toBe('error')
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['access', 'headerFilter', 'log', 'end'])
  })

  it('answers 404 through the filters when a global plugin runs for unrouted requests', async () => {
    const { gw, plugins } = await gateway(
      {
        headerFilter: (status, headers, source) => ({ status, headers: { ...headers, 'x-source': source } }),
        bodyFilter: (chunk) => chunk,
      },
      service(echo.port),
      [route(service(echo.port), { paths: ['/only'] })],
    )
    const reply = await send(gw.port, '/elsewhere')
    expect(reply.status).toBe(404)
    expect(JSON.parse(reply.body)).toEqual({ message: 'no Route matched with those values' })
    expect(reply.headers['x-source']).toBe('exit')
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['access', 'headerFilter', 'bodyFilter', 'log', 'end'])
  })

  it('runs access before answering 503 for a route without a service, as Kong does', async () => {
    const { gw, plugins } = await gateway({}, service(echo.port), [route(null, { paths: ['/'] })])
    const reply = await send(gw.port, '/')
    expect(reply.status).toBe(503)
    expect(JSON.parse(reply.body)).toEqual({ message: 'no Service found with those values' })
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['access', 'log', 'end'])
  })

  it('answers 426 before access for an https-only route without a service, as without plugins', async () => {
    const lonely = route(null, { paths: ['/'], protocols: ['https'] })
    const { gw, plugins } = await gateway({}, service(echo.port), [lonely])
    const reply = await send(gw.port, '/')
    expect(reply.status).toBe(426)
    expect(JSON.parse(reply.body)).toEqual({ message: 'Please use HTTPS protocol' })
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['log', 'end'])
  })
})

describe('responses', () => {
  it('applies a headerFilter status and headers to a proxied response', async () => {
    const { gw, plugins } = await gateway({
      headerFilter: (_status, { 'content-type': _type, ...headers }, source) => ({
        status: 201,
        headers: { ...headers, 'x-filtered': source },
      }),
    })
    const reply = await send(gw.port, '/h')
    expect(reply.status).toBe(201)
    expect(reply.headers['x-filtered']).toBe('service')
    expect(reply.headers['content-type']).toBeUndefined()
    expect(reply.headers['content-length']).toBe(String(Buffer.byteLength(reply.body)))
    expect(reply.headers.via).toBe('1.1 isogate/9.9.9')
    expect(reply.headers['x-isogate-proxy-latency']).toBeDefined()
    expect(echoed(reply.body).path).toBe('/h')
    await within(plugins.ended(), 'end')
  })

  it('streams a response through bodyFilter, chunked once the length can change', async () => {
    const secondPart = signal()
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '17' })
      res.write('part-one;')
      void secondPart.promise.then(() => res.end('part-two'))
    })
    cleanups.push(upstream.close)
    const { gw, plugins } = await gateway(
      {
        bodyFilter: (chunk, eof) => {
          if (chunk.toString() === 'part-one;') secondPart.resolve()
          return eof ? Buffer.from('<eof>') : upper(chunk)
        },
      },
      service(upstream.port),
    )
    const reply = await send(gw.port, '/')
    expect(reply.body).toBe('PART-ONE;PART-TWO<eof>')
    expect(reply.headers['content-length']).toBeUndefined()
    expect(reply.headers['transfer-encoding']).toBe('chunked')
    await within(plugins.ended(), 'end')
    const filterCalls = [...plugins.calls.values()][0]?.filter((call) => call.phase === 'bodyFilter')
    expect(filterCalls?.at(-1)).toEqual({ phase: 'bodyFilter', chunk: '', eof: true })
    expect(filterCalls?.slice(0, -1).every((call) => call.phase === 'bodyFilter' && !call.eof)).toBe(true)
  })

  it('reads the whole response for the response phase and sends what it returns, without filters', async () => {
    const { gw, plugins } = await gateway({
      buffered: true,
      response: (status, headers, body) => ({
        status: status + 2,
        headers: { ...headers, 'x-buffered': String(body.length) },
        body: Buffer.from(`wrapped:${echoed(body.toString()).path}`),
      }),
      headerFilter: (status, headers) => ({ status, headers }),
      bodyFilter: (chunk) => chunk,
    })
    const reply = await send(gw.port, '/b')
    expect(reply.status).toBe(202)
    expect(reply.body).toBe('wrapped:/b')
    expect(reply.headers['content-length']).toBe('10')
    expect(Number(reply.headers['x-buffered'])).toBeGreaterThan(10)
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['access', 'response', 'log', 'end'])
  })

  it('answers 502 when a buffered response exceeds 12 MiB', async () => {
    const upstream = await startUpstream((_req, res) => {
      const mib = Buffer.alloc(1024 * 1024, 'a')
      res.writeHead(200, { 'content-type': 'text/plain' })
      let left = 13
      const more = () => {
        while (left > 0) {
          left--
          if (!res.write(mib)) return void res.once('drain', more)
        }
        res.end()
      }
      more()
    })
    cleanups.push(upstream.close)
    const { gw, plugins } = await gateway(
      { buffered: true, response: () => ({ status: 200, headers: {}, body: null }) },
      service(upstream.port),
    )
    const reply = await send(gw.port, '/')
    expect(reply.status).toBe(502)
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['access', 'log', 'end'])
  })

  it('passes a gateway error (502 from a refused port) through headerFilter with source error', async () => {
    const { gw, plugins } = await gateway(
      {
        headerFilter: (status, headers, source) => ({ status, headers: { ...headers, 'x-source': source } }),
      },
      service(await freePort(), { retries: 0 }),
    )
    const reply = await send(gw.port, '/')
    expect(reply.status).toBe(502)
    expect(JSON.parse(reply.body)).toEqual({
      message: 'An invalid response was received from the upstream server',
    })
    expect(reply.headers['x-source']).toBe('error')
    await within(plugins.ended(), 'end')
    expect([...plugins.calls.values()][0]).toContainEqual({
      phase: 'log',
      status: 502,
      bytesSent: expect.any(Number),
    })
  })

  it('holds the response while a slow headerFilter runs', async () => {
    const events: string[] = []
    const upstreamDone = signal()
    const filterCalled = signal()
    const release = signal()
    const upstream = await startUpstream((_req, res) => {
      res.end('whole body', () => {
        events.push('upstream sent everything')
        upstreamDone.resolve()
      })
    })
    cleanups.push(upstream.close)
    const { gw, plugins } = await gateway(
      {
        async headerFilter(status, headers) {
          filterCalled.resolve()
          await release.promise
          events.push('headerFilter done')
          return { status, headers }
        },
      },
      service(upstream.port),
    )
    const reply = send(gw.port, '/').then((r) => {
      events.push('client got the response')
      return r
    })
    await within(Promise.all([upstreamDone.promise, filterCalled.promise]), 'the upstream and the filter')
    release.resolve()
    expect((await reply).body).toBe('whole body')
    expect(events).toEqual(['upstream sent everything', 'headerFilter done', 'client got the response'])
    await within(plugins.ended(), 'end')
  })

  it('filters the headers of a HEAD response, whose upstream ends before the filter returns', async () => {
    const upstreamDone = signal()
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-length': '42' })
      res.end(() => upstreamDone.resolve())
    })
    cleanups.push(upstream.close)
    const { gw, plugins } = await gateway(
      {
        async headerFilter(status, headers) {
          await upstreamDone.promise
          return { status, headers: { ...headers, 'x-head': 'filtered' } }
        },
      },
      service(upstream.port),
    )
    const done = await send(gw.port, '/', { method: 'HEAD' })
    expect(done.status).toBe(200)
    expect(done.headers['x-head']).toBe('filtered')
    expect(done.headers['content-length']).toBe('42')
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['access', 'headerFilter', 'log', 'end'])
  })
})

describe('accounting and guards', () => {
  it('counts the access phase into the proxy latency', async () => {
    const { gw, plugins } = await gateway({
      async access(_info, upstream) {
        await new Promise((resolve) => setTimeout(resolve, 60))
        return { kind: 'proxy', upstream }
      },
    })
    const reply = await send(gw.port, '/')
    expect(reply.status).toBe(200)
    // A lower bound only: access cannot have taken less than its own wait.
    expect(Number(reply.headers['x-isogate-proxy-latency'])).toBeGreaterThanOrEqual(50)
    await within(plugins.ended(), 'end')
    const latencies = gw.accessLog[0]?.latencies as { proxy: number } | undefined
    expect(latencies?.proxy).toBeGreaterThanOrEqual(50)
  })

  it('answers 500 and logs when a plugin call breaks its contract by rejecting', async () => {
    const { gw, plugins } = await gateway({
      access() {
        throw new Error('runtime bug')
      },
    })
    const reply = await send(gw.port, '/')
    expect(reply.status).toBe(500)
    expect(JSON.parse(reply.body)).toEqual({ message: 'An unexpected error occurred' })
    expect(gw.errors.map((line) => line.msg)).toContain('plugin phase failed in the proxy')
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['access', 'log', 'end'])
  })
})

describe('log and end', () => {
  it('are called once when the client aborts mid-response, after the access log line', async () => {
    const firstPart = signal()
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('first;')
    })
    cleanups.push(upstream.close)
    const { gw, plugins } = await gateway(
      { headerFilter: (status, headers) => ({ status, headers }), bodyFilter: (chunk) => chunk },
      service(upstream.port),
    )
    const req = request(
      { host: '127.0.0.1', port: gw.port, path: '/', agent: false },
      (res: IncomingMessage) => {
        res.once('data', () => firstPart.resolve())
      },
    )
    req.on('error', () => {})
    req.end()
    await within(firstPart.promise, 'the first part')
    req.destroy()
    await within(plugins.ended(), 'end')
    const calls = [...plugins.calls.values()][0] ?? []
    expect(calls.filter((call) => call.phase === 'end')).toHaveLength(1)
    expect(calls.filter((call) => call.phase === 'log')).toHaveLength(1)
    expect(calls.slice(-2).map((call) => call.phase)).toEqual(['log', 'end'])
    expect(gw.accessLog).toHaveLength(1)
  })

  it('wait for a running access phase when the client leaves during it, and nothing goes upstream', async () => {
    let upstreamHits = 0
    const upstream = await startUpstream((_req, res) => {
      upstreamHits++
      res.end()
    })
    cleanups.push(upstream.close)
    const accessStarted = signal()
    const release = signal()
    const { gw, plugins } = await gateway(
      {
        async access(_info, changes) {
          accessStarted.resolve()
          await release.promise
          return { kind: 'proxy', upstream: changes }
        },
      },
      service(upstream.port),
    )
    const req = request({ host: '127.0.0.1', port: gw.port, path: '/', agent: false })
    req.on('error', () => {})
    req.end()
    await within(accessStarted.promise, 'access')
    req.destroy()
    // The access log line comes when the client leaves; log and end only once access settled.
    for (let i = 0; i < 400 && gw.accessLog.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
    expect(gw.accessLog).toHaveLength(1)
    expect(plugins.phases()).toEqual(['access'])
    release.resolve()
    await within(plugins.ended(), 'end')
    expect(plugins.phases()).toEqual(['access', 'log', 'end'])
    expect([...plugins.calls.values()][0]).toContainEqual({ phase: 'log', status: 499, bytesSent: 0 })
    expect(upstreamHits).toBe(0)
  })
})
