import { Agent, type IncomingMessage, request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { route, send, service, signal, startProxy, startUpstream, type TestProxy, within } from './helpers.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function proxyTo(port: number): Promise<TestProxy> {
  const svc = service(port)
  const gw = await startProxy([route(svc, { paths: ['/'] })], [svc])
  cleanups.push(() => gw.close())
  return gw
}

describe('streaming', () => {
  it('delivers a chunked upload to the upstream before the client has finished sending', async () => {
    const firstChunk = signal<string>()
    const upstreamBody = signal<string>()
    const upstream = await startUpstream((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => {
        if (body === '') firstChunk.resolve(chunk.toString())
        body += chunk.toString()
      })
      req.on('end', () => {
        upstreamBody.resolve(body)
        res.end(`got ${body.length}`)
      })
    })
    cleanups.push(upstream.close)
    const gw = await proxyTo(upstream.port)

    const response = signal<{ status: number; body: string }>()
    const req = request(
      { host: '127.0.0.1', port: gw.port, path: '/up', method: 'POST', agent: false },
      (res) => {
        let body = ''
        res.on('data', (c: Buffer) => {
          body += c.toString()
        })
        res.on('end', () => response.resolve({ status: res.statusCode ?? 0, body }))
      },
    )
    req.flushHeaders()
    req.write('first-')
    // Only a streaming proxy can deliver this while the request is still open.
    expect(await within(firstChunk.promise, 'the first chunk upstream')).toBe('first-')
    req.end('second')
    expect(await within(upstreamBody.promise, 'the whole body upstream')).toBe('first-second')
    expect(await within(response.promise, 'the response')).toEqual({ status: 200, body: 'got 12' })
  })

  it('delivers a slow response to the client piece by piece', async () => {
    const clientGotFirst = signal()
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.write('part-one;')
      // The second part is sent only once the client holds the first one.
      clientGotFirst.promise.then(() => res.end('part-two'))
    })
    cleanups.push(upstream.close)
    const gw = await proxyTo(upstream.port)

    const pieces: string[] = []
    const done = new Promise<IncomingMessage>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: gw.port, path: '/slow', agent: false }, (res) => {
        res.on('data', (c: Buffer) => {
          pieces.push(c.toString())
          if (pieces.join('') === 'part-one;') clientGotFirst.resolve()
        })
        res.on('end', () => resolve(res))
      })
      req.on('error', reject)
      req.end()
    })
    const res = await within(done, 'the streamed response')
    expect(res.statusCode).toBe(200)
    expect(res.headers['transfer-encoding']).toBe('chunked')
    expect(pieces.join('')).toBe('part-one;part-two')
  })

  it('relays a large response intact', async () => {
    const block = Buffer.alloc(64 * 1024, 'x')
    const upstream = await startUpstream((_req, res) => {
      res.writeHead(200, { 'content-length': String(block.length * 64) })
      let sent = 0
      const pump = () => {
        while (sent < 64) {
          sent++
          if (!res.write(block)) return void res.once('drain', pump)
        }
        res.end()
      }
      pump()
    })
    cleanups.push(upstream.close)
    const gw = await proxyTo(upstream.port)
    const reply = await send(gw.port, '/big')
    expect(reply.status).toBe(200)
    expect(reply.body.length).toBe(block.length * 64)
    expect(reply.headers['content-length']).toBe(String(block.length * 64))
  })

  it('reuses client and upstream connections (keep-alive)', async () => {
    const upstreamPorts: number[] = []
    const upstream = await startUpstream((req, res) => {
      upstreamPorts.push(req.socket.remotePort ?? 0)
      res.end('ok')
    })
    cleanups.push(upstream.close)
    const gw = await proxyTo(upstream.port)
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    cleanups.push(async () => agent.destroy())
    for (let i = 0; i < 3; i++) {
      const reply = await send(gw.port, `/k${i}`, { agent })
      expect(reply.status).toBe(200)
    }
    expect(new Set(upstreamPorts).size).toBe(1)
    expect(gw.proxy.stats().connections_accepted).toBe(1)
    expect(gw.proxy.stats().total_requests).toBe(3)
  })
})
