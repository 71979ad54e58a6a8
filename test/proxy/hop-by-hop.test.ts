import { createServer as createNetServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import {
  closeServer,
  listen,
  parseRaw,
  route,
  send,
  sendRaw,
  service,
  startProxy,
  startUpstream,
  type TestProxy,
} from './helpers.ts'

let echo: EchoServer
let raw: Server
let gw: TestProxy

/** An upstream that answers every request with the same bytes, hop-by-hop headers included. */
const RAW_RESPONSE =
  'HTTP/1.1 200 OK\r\n' +
  'Content-Type: text/plain\r\n' +
  'Connection: keep-alive, X-Secret-Hop\r\n' +
  'Keep-Alive: timeout=30\r\n' +
  'X-Secret-Hop: gone\r\n' +
  'Proxy-Authenticate: Basic\r\n' +
  'Trailer: X-Checksum\r\n' +
  'Via: 1.1 backend\r\n' +
  'X-Kept: yes\r\n' +
  'Content-Length: 2\r\n\r\nok'

beforeAll(async () => {
  echo = await startEchoServer()
  raw = createNetServer((socket) => {
    socket.on('data', (data: Buffer) => {
      if (data.includes('\r\n\r\n')) socket.write(RAW_RESPONSE)
    })
    socket.on('error', () => {})
  })
  const rawPort = await listen(raw)
  const echoService = service(echo.port)
  const rawService = service(rawPort)
  gw = await startProxy(
    [route(echoService, { paths: ['/echo'] }), route(rawService, { paths: ['/raw'] })],
    [echoService, rawService],
  )
})

afterAll(async () => {
  await gw.close()
  await echo.close()
  await closeServer(raw)
})

describe('hop-by-hop headers', () => {
  it('are not forwarded upstream, nor the headers Connection lists', async () => {
    const reply = await send(gw.port, '/echo', {
      headers: {
        connection: 'keep-alive, X-Private',
        'keep-alive': 'timeout=5',
        'x-private': 'secret',
        'proxy-authorization': 'Basic abc',
        'proxy-connection': 'keep-alive',
        te: 'gzip, trailers',
        'x-normal': 'kept',
      },
    })
    const seen = (JSON.parse(reply.body) as EchoReply).headers
    expect(seen['x-private']).toBeUndefined()
    expect(seen['keep-alive']).toBeUndefined()
    expect(seen['proxy-authorization']).toBeUndefined()
    expect(seen['proxy-connection']).toBeUndefined()
    expect(seen.te).toBe('trailers')
    expect(seen['x-normal']).toBe('kept')
  })

  it('drop TE unless it asks for trailers, and Upgrade', async () => {
    const answer = await sendRaw(
      gw.port,
      'GET /echo HTTP/1.1\r\nHost: a.test\r\nTE: gzip\r\nConnection: close\r\n\r\n',
    )
    const seen = (JSON.parse(parseRaw(answer).body) as EchoReply).headers
    expect(seen.te).toBeUndefined()
    const upgraded = await sendRaw(
      gw.port,
      'GET /echo HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\nConnection: Upgrade, close\r\n\r\n',
    )
    const parsed = parseRaw(upgraded)
    expect(parsed.status).toBe(200)
    expect((JSON.parse(parsed.body) as EchoReply).headers.upgrade).toBeUndefined()
  })

  it('pass upstream trailers on to clients that asked for them with TE: trailers', async () => {
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { trailer: 'x-checksum' })
      res.write('body')
      res.addTrailers({ 'x-checksum': 'abc123' })
      res.end()
    })
    const svc = service(upstream.port)
    const gw2 = await startProxy([route(svc, { paths: ['/'] })], [svc])
    try {
      const asked = await sendRaw(
        gw2.port,
        'GET / HTTP/1.1\r\nHost: a\r\nTE: trailers\r\nConnection: close\r\n\r\n',
      )
      expect(parseRaw(asked).headers.trailer).toBe('x-checksum')
      expect(asked).toMatch(/\r\n0\r\nx-checksum: abc123\r\n\r\n$/i)
      const notAsked = await sendRaw(gw2.port, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
      expect(parseRaw(notAsked).headers.trailer).toBeUndefined()
      expect(notAsked).not.toContain('abc123')
    } finally {
      await gw2.close()
      await upstream.close()
    }
  })

  it('are removed from upstream responses, and Via is appended to', async () => {
    const reply = await send(gw.port, '/raw')
    expect(reply.status).toBe(200)
    expect(reply.body).toBe('ok')
    expect(reply.headers['x-secret-hop']).toBeUndefined()
    expect(reply.headers['proxy-authenticate']).toBeUndefined()
    expect(reply.headers.trailer).toBeUndefined()
    expect(reply.headers['keep-alive']).not.toBe('timeout=30')
    expect(reply.headers['x-kept']).toBe('yes')
    expect(reply.headers.via).toBe('1.1 backend, 1.1 isogate/9.9.9')
  })
})
