import { once } from 'node:events'
import { Agent, request } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { closeServer, listen, openSocket, route, send, service, startProxy, within } from './helpers.ts'

let echo: EchoServer

beforeAll(async () => {
  echo = await startEchoServer()
})
afterAll(() => echo.close())

async function gateway() {
  const svc = service(echo.port)
  return startProxy([route(svc, { paths: ['/'] })], [svc])
}

describe('stats', () => {
  it('counts connections and requests as nginx stub_status does', async () => {
    const gw = await gateway()
    try {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      await send(gw.port, '/a', { agent })
      await send(gw.port, '/b', { agent })
      const idle = await openSocket(gw.port)
      // The idle socket is counted once the proxy has seen it: a request on another connection proves it.
      await send(gw.port, '/c')
      const stats = gw.proxy.stats()
      expect(stats.total_requests).toBe(3)
      expect(stats.connections_accepted).toBe(3)
      expect(stats.connections_handled).toBe(3)
      expect(stats.connections_reading).toBe(0)
      expect(stats.connections_writing).toBe(0)
      expect(stats.connections_active).toBe(stats.connections_waiting)
      expect(stats.connections_active).toBeGreaterThanOrEqual(2)
      idle.destroy()
      agent.destroy()
    } finally {
      await gw.close()
    }
  })

  it('counts an in-flight request as writing', async () => {
    const gw = await gateway()
    try {
      const pending = send(gw.port, '/slow', { headers: { 'x-echo-delay-ms': '300' } })
      const busy = await within(
        (async () => {
          // Bounded poll: the request reaches the handler within a few event-loop turns.
          for (let i = 0; i < 1000; i++) {
            const stats = gw.proxy.stats()
            if (stats.connections_writing === 1) return stats
            await new Promise((r) => setTimeout(r, 5))
          }
          throw new Error('request never became in-flight')
        })(),
        'an in-flight request',
      )
      expect(busy.total_requests).toBe(1)
      expect((await pending).status).toBe(200)
    } finally {
      await gw.close()
    }
  })
})

describe('client timeouts', () => {
  it('end connections that stall while sending headers, fed by another listener too', async () => {
    const gw = await gateway()
    gw.proxy.server.timeout = 100
    const listener = createNetServer((socket) => gw.proxy.server.emit('connection', socket))
    const port = await listen(listener)
    try {
      for (const target of [gw.port, port]) {
        const socket = await openSocket(target)
        socket.write('GET / HTTP/1.1\r\nHost: a\r\n')
        await within(once(socket, 'close'), 'the stalled connection to be closed')
      }
      // A request in progress is not cut, however long the upstream takes.
      const slow = await send(gw.port, '/slow', { headers: { 'x-echo-delay-ms': '300' } })
      expect(slow.status).toBe(200)
    } finally {
      await closeServer(listener)
      await gw.close()
    }
  })
})

describe('close', () => {
  it('lets an in-flight request finish while refusing new connections', async () => {
    const gw = await gateway()
    // A keep-alive client: the gateway itself must ask it to close.
    const agent = new Agent({ keepAlive: true })
    const inflight = new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: gw.port, path: '/slow', headers: { 'x-echo-delay-ms': '300' }, agent },
        (res) => {
          let body = ''
          res.on('data', (c: Buffer) => {
            body += c.toString()
          })
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
          )
        },
      )
      req.on('error', reject)
      req.end()
    })
    // Wait until the gateway holds the request, then close.
    for (let i = 0; i < 1000 && gw.proxy.stats().connections_writing === 0; i++) {
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(gw.proxy.stats().connections_writing).toBe(1)
    const closed = gw.proxy.close(5000)
    await expect(send(gw.port, '/new')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    const reply = await within(inflight, 'the in-flight request')
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.body).path).toBe('/slow')
    expect(reply.connection).toBe('close')
    await within(closed, 'close() to resolve')
    expect(gw.proxy.stats().connections_active).toBe(0)
    agent.destroy()
  })

  it('ends idle keep-alive connections at once', async () => {
    const gw = await gateway()
    const agent = new Agent({ keepAlive: true })
    await send(gw.port, '/a', { agent })
    expect(gw.proxy.stats().connections_waiting).toBe(1)
    await within(gw.proxy.close(5000), 'close() with an idle connection')
    expect(gw.proxy.stats().connections_active).toBe(0)
    agent.destroy()
  })
})
