import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { route, send, service, startProxy, type TestProxy } from './helpers.ts'

let echo: EchoServer
let other: EchoServer
let gw: TestProxy

const svc = () => service(echo.port, { path: '/base' })

beforeAll(async () => {
  echo = await startEchoServer()
  other = await startEchoServer()
  const plain = svc()
  const keepPath = service(echo.port)
  const rootService = service(echo.port)
  gw = await startProxy(
    [
      route(plain, { paths: ['/api'] }),
      route(keepPath, { paths: ['/keep'], strip_path: false }),
      route(keepPath, { hosts: ['preserved.test'], preserve_host: true }),
      route(rootService, { paths: ['/root'] }),
    ],
    [plain, keepPath, rootService],
  )
})

afterAll(async () => {
  await gw.close()
  await echo.close()
  await other.close()
})

const echoed = (body: string) => JSON.parse(body) as EchoReply

describe('forwarding', () => {
  it('joins the service path and the stripped request path, and keeps the raw query', async () => {
    const reply = await send(gw.port, '/api/users/42?b=2&a=%20x&a=y')
    expect(reply.status).toBe(200)
    const seen = echoed(reply.body)
    expect(seen.path).toBe('/base/users/42')
    expect(seen.query).toBe('b=2&a=%20x&a=y')
  })

  it('keeps the path when strip_path is off and a bare trailing "?"', async () => {
    const reply = await send(gw.port, '/keep/x?')
    expect(reply.status).toBe(200)
    const seen = echoed(reply.body)
    expect(seen.path).toBe('/keep/x')
    expect(gw.accessLog.at(-1)?.upstream_uri).toBe('/keep/x?')
  })

  it('sends the service host and port as Host, or the client Host with preserve_host', async () => {
    const plain = echoed((await send(gw.port, '/root/a')).body)
    expect(plain.headers.host).toBe(`127.0.0.1:${echo.port}`)
    const preserved = echoed((await send(gw.port, '/p', { headers: { host: 'Preserved.test:8443' } })).body)
    expect(preserved.headers.host).toBe('Preserved.test:8443')
  })

  it('streams request bodies with their method and content type', async () => {
    const reply = await send(gw.port, '/api/upload', {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'hello upstream',
    })
    const seen = echoed(reply.body)
    expect(seen.method).toBe('PUT')
    expect(seen.body).toBe('hello upstream')
    expect(seen.headers['content-type']).toBe('text/plain')
    expect(seen.headers['content-length']).toBe('14')
  })

  it('passes upstream statuses and headers through', async () => {
    const reply = await send(gw.port, '/api/x', { headers: { 'x-echo-status': '418' } })
    expect(reply.status).toBe(418)
    expect(reply.headers['content-type']).toBe('application/json')
  })

  it('adds Via, the request id and latency headers, and sends the same id upstream', async () => {
    const reply = await send(gw.port, '/api/x', {
      headers: { via: '1.0 edge', 'x-isogate-request-id': 'forged' },
    })
    const seen = echoed(reply.body)
    expect(reply.headers.via).toBe('1.1 isogate/9.9.9')
    expect(seen.headers.via).toMatch(/^1\.0 edge, 1\.1 isogate-[0-9a-f]{8}\/9\.9\.9$/)
    const id = reply.headers['x-isogate-request-id']
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(seen.headers['x-isogate-request-id']).toBe(id)
    expect(reply.headers['x-isogate-upstream-latency']).toMatch(/^\d+$/)
    expect(reply.headers['x-isogate-proxy-latency']).toMatch(/^\d+$/)
    expect(reply.headers['x-isogate-response-latency']).toBeUndefined()
    expect(reply.headers.server).toBe('isogate/9.9.9')
    const other = await send(gw.port, '/api/x')
    expect(other.headers['x-isogate-request-id']).not.toBe(id)
  })

  it('writes one access log line per request', async () => {
    const reply = await send(gw.port, '/api/logged?q=1', { method: 'POST', body: 'abc' })
    const entry = gw.accessLog.find((e) => e.request_id === reply.headers['x-isogate-request-id'])
    expect(entry).toMatchObject({
      node_id: 'node-1',
      client_ip: '127.0.0.1',
      method: 'POST',
      uri: '/api/logged?q=1',
      upstream_uri: '/base/logged?q=1',
      status: 200,
      tries: 1,
      workspace_id: '00000000-0000-4000-8000-000000000001',
    })
    expect(entry?.route_id).toEqual(expect.any(String))
    expect(entry?.service_id).toEqual(expect.any(String))
    expect(entry?.bytes_received).toBeGreaterThan(3)
    expect(entry?.bytes_sent).toBeGreaterThan(reply.body.length)
    expect(entry?.latencies).toEqual({
      proxy: expect.any(Number),
      upstream: expect.any(Number),
      request: expect.any(Number),
    })
  })

  it('uses a swapped router from the next request on', async () => {
    expect((await send(gw.port, '/swap/x')).status).toBe(404)
    const target = service(other.port, { path: '/other' })
    gw.setRoutes([route(target, { paths: ['/swap'] })], [target])
    const after = await send(gw.port, '/swap/x')
    expect(after.status).toBe(200)
    expect(echoed(after.body).path).toBe('/other/x')
    expect(echoed(after.body).headers.host).toBe(`127.0.0.1:${other.port}`)
    expect((await send(gw.port, '/api/x')).status).toBe(404)
  })
})
