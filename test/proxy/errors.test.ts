import { once } from 'node:events'
import { type IncomingMessage, request } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import {
  closeServer,
  freePort,
  listen,
  openSocket,
  parseRaw,
  route,
  send,
  sendRaw,
  service,
  signal,
  startProxy,
  startUpstream,
  type TestProxy,
  within,
} from './helpers.ts'

let echo: EchoServer
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  echo = await startEchoServer()
})
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(() => echo.close())

async function proxy(...args: Parameters<typeof startProxy>): Promise<TestProxy> {
  const gw = await startProxy(...args)
  cleanups.push(() => gw.close())
  return gw
}

function expectKongError(
  reply: { status: number; headers: Record<string, unknown>; body: string },
  status: number,
  message: string,
) {
  expect(reply.status).toBe(status)
  expect(reply.headers['content-type']).toBe('application/json; charset=utf-8')
  expect(JSON.parse(reply.body)).toEqual({ message })
}

describe('gateway-made errors', () => {
  it('404 when no route matches, with a response latency header', async () => {
    const svc = service(echo.port)
    const gw = await proxy([route(svc, { paths: ['/api'] })], [svc])
    const reply = await send(gw.port, '/elsewhere')
    expectKongError(reply, 404, 'no Route matched with those values')
    expect(reply.headers['x-isogate-response-latency']).toMatch(/^\d+$/)
    expect(reply.headers['x-isogate-request-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(gw.accessLog.at(-1)).toMatchObject({ status: 404, route_id: null, tries: 0 })
  })

  it('503 for a route without a service', async () => {
    const gw = await proxy([route(null, { paths: ['/lonely'] })], [])
    expectKongError(await send(gw.port, '/lonely'), 503, 'no Service found with those values')
  })

  it('426 for an https-only route reached over http', async () => {
    const svc = service(echo.port)
    const gw = await proxy([route(svc, { paths: ['/secure'], protocols: ['https'] })], [svc])
    const reply = await send(gw.port, '/secure')
    expectKongError(reply, 426, 'Please use HTTPS protocol')
    expect(reply.headers.upgrade).toBe('TLS/1.2, HTTP/1.1')
  })

  it('426 before 503 for an https-only route without a service (the https check comes first)', async () => {
    const gw = await proxy([route(null, { paths: ['/lonely'], protocols: ['https'] })], [])
    expectKongError(await send(gw.port, '/lonely'), 426, 'Please use HTTPS protocol')
  })

  it('502 when the upstream refuses connections, after every retry', async () => {
    const svc = service(await freePort(), { retries: 2 })
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc])
    const reply = await send(gw.port, '/x')
    expectKongError(reply, 502, 'An invalid response was received from the upstream server')
    expect(reply.headers['x-isogate-proxy-latency']).toMatch(/^\d+$/)
    expect(gw.accessLog.at(-1)).toMatchObject({ status: 502, tries: 3 })
    expect(gw.errors.at(-1)?.msg).toBe('upstream request failed')
  })

  it('502 when the upstream answers something that is not HTTP', async () => {
    const garbage = createNetServer((socket) => {
      socket.on('error', () => {})
      socket.resume()
      socket.end('NOT HTTP AT ALL\r\n\r\n')
    })
    const port = await listen(garbage)
    cleanups.push(() => closeServer(garbage))
    const svc = service(port, { retries: 0 })
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc])
    expectKongError(
      await send(gw.port, '/x'),
      502,
      'An invalid response was received from the upstream server',
    )
  })

  it('504 when the upstream answers after read_timeout', async () => {
    const svc = service(echo.port, { read_timeout: 50 })
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc])
    const reply = await send(gw.port, '/slow', { headers: { 'x-echo-delay-ms': '2000' } })
    expectKongError(reply, 504, 'The upstream server is timing out')
    expect(gw.accessLog.at(-1)).toMatchObject({ status: 504, tries: 1 })
  })

  it('504 when the upstream stops reading the request body for write_timeout', async () => {
    const upstream = await startUpstream((req) => {
      // Never reads, never answers: the gateway's writes back up.
      req.pause()
    })
    cleanups.push(upstream.close)
    const svc = service(upstream.port, { write_timeout: 100 })
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc])
    const answered = signal<IncomingMessage>()
    const req = request(
      { host: '127.0.0.1', port: gw.port, path: '/up', method: 'POST', agent: false },
      (res) => {
        res.resume()
        answered.resolve(res)
      },
    )
    req.on('error', () => {})
    const block = Buffer.alloc(64 * 1024)
    let response: IncomingMessage | null = null
    answered.promise.then((res) => {
      response = res
    })
    // Push until the gateway answers (it stops reading once the upstream does); at most 256 MB.
    for (let i = 0; i < 4096 && response === null; i++) {
      if (!req.write(block)) await Promise.race([once(req, 'drain'), answered.promise])
    }
    const res = await within(answered.promise, 'the 504')
    expect(res.statusCode).toBe(504)
    expect(gw.errors.at(-1)?.obj).toMatchObject({ code: 'write-timeout' })
    req.destroy()
  })

  it('cuts the client connection when the upstream fails after the response started', async () => {
    const upstream = createNetServer((socket) => {
      socket.on('error', () => {})
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial')
        setImmediate(() => socket.destroy())
      })
    })
    const port = await listen(upstream)
    cleanups.push(() => closeServer(upstream))
    const svc = service(port)
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc])
    const answer = parseRaw(await sendRaw(gw.port, 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n'))
    expect(answer.status).toBe(200)
    expect(answer.headers['content-length']).toBe('100')
    expect(answer.body).toBe('partial')
  })
})

describe('clients that leave', () => {
  it('abort the upstream request and are logged as 499', async () => {
    const upstreamSawClose = signal()
    const upstreamGotRequest = signal()
    const upstream = await startUpstream((_req, res) => {
      upstreamGotRequest.resolve()
      res.on('close', () => upstreamSawClose.resolve())
    })
    cleanups.push(upstream.close)
    const svc = service(upstream.port)
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc])
    const socket = await openSocket(gw.port)
    socket.write('GET /hang HTTP/1.1\r\nHost: a\r\n\r\n')
    await within(upstreamGotRequest.promise, 'the request upstream')
    socket.destroy()
    await within(upstreamSawClose.promise, 'the upstream request to be aborted')
    // The access line is written when the client's response closes; wait for it (bounded).
    for (let i = 0; i < 1000 && gw.accessLog.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
    expect(gw.accessLog.at(-1)).toMatchObject({ status: 499, tries: 1 })
  })
})

describe('retries', () => {
  /**
   * Resets the first `failures` connections once the request starts arriving (so the gateway has
   * begun writing it), then hands connections to the echo server.
   */
  async function flakyUpstream(failures: number): Promise<{ port: number; connections: () => number }> {
    let connections = 0
    const server = createNetServer((socket) => {
      connections++
      if (connections > failures) return void echo.server.emit('connection', socket)
      socket.on('error', () => {})
      socket.once('data', () => socket.resetAndDestroy())
    })
    const port = await listen(server)
    cleanups.push(() => closeServer(server))
    return { port, connections: () => connections }
  }

  it('retries a bodiless request the upstream reset before answering, up to service.retries', async () => {
    const flaky = await flakyUpstream(2)
    const svc = service(flaky.port, { retries: 5 })
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc])
    const reply = await send(gw.port, '/x')
    expect(reply.status).toBe(200)
    expect(flaky.connections()).toBe(3)
    expect(gw.accessLog.at(-1)).toMatchObject({ status: 200, tries: 3 })
  })

  it('gives up after service.retries', async () => {
    const flaky = await flakyUpstream(5)
    const svc = service(flaky.port, { retries: 1 })
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc])
    expect((await send(gw.port, '/x')).status).toBe(502)
    expect(flaky.connections()).toBe(2)
  })

  it('never retries once a request body has started streaming', async () => {
    const flaky = await flakyUpstream(1)
    const svc = service(flaky.port, { retries: 5 })
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc])
    const reply = await send(gw.port, '/x', { method: 'POST', body: 'payload' })
    expect(reply.status).toBe(502)
    expect(flaky.connections()).toBe(1)
    expect(gw.accessLog.at(-1)).toMatchObject({ status: 502, tries: 1 })
  })
})

describe('limits', () => {
  it('413 from Content-Length without contacting the upstream', async () => {
    let upstreamRequests = 0
    const counting = createNetServer((socket) => {
      upstreamRequests++
      echo.server.emit('connection', socket)
    })
    const port = await listen(counting)
    cleanups.push(() => closeServer(counting))
    const svc = service(port)
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc], { clientMaxBodySize: 10 })
    const reply = await send(gw.port, '/x', { method: 'POST', body: 'more than ten bytes' })
    expectKongError(reply, 413, 'Payload too large')
    expect(reply.headers.connection).toBe('close')
    expect(upstreamRequests).toBe(0)
    const small = await send(gw.port, '/x', { method: 'POST', body: 'ten bytes!' })
    expect(small.status).toBe(200)
  })

  it('413 while streaming a chunked body, and the upstream never gets it whole', async () => {
    const completeBodies: number[] = []
    const upstream = await startCountingUpstream(completeBodies)
    const svc = service(upstream)
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc], { clientMaxBodySize: 1000 })
    const chunk = 'a'.repeat(600)
    const request =
      'POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n' +
      `258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`
    const answer = parseRaw(await sendRaw(gw.port, request))
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body)).toEqual({ message: 'Payload too large' })
    // A request that fits still goes through, and no upstream request ever held 1200 bytes.
    const fits = await send(gw.port, '/x', { method: 'POST', body: 'b'.repeat(900) })
    expect(fits.status).toBe(200)
    expect(completeBodies).toEqual([900])
  })

  it('431 for too many headers', async () => {
    const svc = service(echo.port)
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc], { clientHeaderMaxCount: 20 })
    const headers: Record<string, string> = {}
    for (let i = 0; i < 25; i++) headers[`x-h${i}`] = String(i)
    expectKongError(await send(gw.port, '/x', { headers }), 431, 'Request header or cookie too large')
    expect((await send(gw.port, '/x', { headers: { 'x-one': '1' } })).status).toBe(200)
  })

  it('431 for headers larger than the limit', async () => {
    const svc = service(echo.port)
    const gw = await proxy([route(svc, { paths: ['/'] })], [svc], { clientHeaderMaxSize: 2048 })
    const answer = parseRaw(
      await sendRaw(gw.port, `GET /x HTTP/1.1\r\nHost: a\r\nX-Big: ${'y'.repeat(4096)}\r\n\r\n`),
    )
    expect(answer.status).toBe(431)
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(JSON.parse(answer.body)).toEqual({ message: 'Request header or cookie too large' })
    expect(gw.proxy.stats().total_requests).toBe(1)
  })
})

/** An upstream recording the size of every request body it received completely. */
async function startCountingUpstream(completeBodies: number[]): Promise<number> {
  const { createServer } = await import('node:http')
  const server = createServer((req, res) => {
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
    })
    req.on('end', () => {
      completeBodies.push(size)
      res.end('ok')
    })
    req.on('error', () => {})
  })
  const port = await listen(server)
  cleanups.push(() => closeServer(server))
  return port
}
