import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../host/admin/index.ts'
import { LINGER_BYTES, LINGER_MS } from '../host/gateway/index.ts'
import { startTestGateway, type TestGateway } from './helpers/index.ts'

const CHUNK = 64 * 1024

interface RawExchange {
  /** Everything the server sent, as text. */
  received: string
  /** Body bytes the client managed to hand to the socket. */
  sent: number
  /** The client's write or read error (EPIPE, ECONNRESET), if any. */
  error?: string
}

/**
 * One request over a raw loopback socket: the head, then the body in `CHUNK` pieces (each written
 * once the previous one is taken, with a pause) until `body.bytes` are sent or the server closes;
 * the bytes are `body.content` when given, else filler.
 * Resolves when the socket closes; bounded by the body size and by a 30 s guard.
 */
function rawPost(
  port: number,
  head: string,
  body: { bytes: number; chunked: boolean; pauseMs: number; content?: Buffer },
): Promise<RawExchange> {
  return new Promise((resolve) => {
    // Half-open, as an uploading client is: the server's FIN does not stop the client's writes.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    const exchange: RawExchange = { received: '', sent: 0 }
    let closed = false
    const guard = setTimeout(() => socket.destroy(new Error('test guard: 30 s')), 30_000)
    socket.setEncoding('latin1')
    socket.on('data', (text: string) => {
      exchange.received += text
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      exchange.error ??= error.code ?? error.message
    })
    socket.on('close', () => {
      closed = true
      clearTimeout(guard)
      resolve(exchange)
    })
    const piece = Buffer.alloc(CHUNK, 0x61)
    const frame = (data: Buffer) =>
      body.chunked
        ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')])
        : data
    const writeNext = () => {
      if (closed || socket.destroyed) return
      const size = Math.min(CHUNK, body.bytes - exchange.sent)
      if (size <= 0) {
        socket.end(body.chunked ? '0\r\n\r\n' : '')
        return
      }
      const data = body.content?.subarray(exchange.sent, exchange.sent + size) ?? piece.subarray(0, size)
      socket.write(frame(data), (error) => {
        if (error) return
        exchange.sent += size
        setTimeout(writeNext, body.pauseMs)
      })
    }
    socket.once('connect', () => {
      socket.write(head)
      writeNext()
    })
  })
}

function postHead(path: string, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  return [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...lines, '', ''].join('\r\n')
}

function parseResponse(text: string): { status: string; headers: Record<string, string>; body: string } {
  const end = text.indexOf('\r\n\r\n')
  const [status = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status, headers, body: text.slice(end + 4) }
}

let gw: TestGateway
let port: number
beforeAll(async () => {
  gw = await startTestGateway()
  port = gw.gateway.addresses.admin[0]!.port
})
afterAll(() => gw?.stop())

describe('an Admin API body over the limit, from a client still sending', () => {
  it('answers 413 to a Content-Length body sent slowly in chunks, then closes', async () => {
    const bytes = MAX_BODY_BYTES + 2 * CHUNK
    const head = postHead('/services', { 'content-type': 'application/json', 'content-length': bytes })
    const exchange = await rawPost(port, head, { bytes, chunked: false, pauseMs: 1 })
    const response = parseResponse(exchange.received)
    expect(response.status).toBe('HTTP/1.1 413 Payload Too Large')
    expect(response.headers.connection).toBe('close')
    expect(JSON.parse(response.body)).toEqual({ message: 'Payload too large' })
    // The server read the whole body instead of resetting the connection under the client.
    expect(exchange.error).toBeUndefined()
    expect(exchange.sent).toBe(bytes)
  })

  it('answers 413 to a chunked body once the bytes read pass the limit, then closes', async () => {
    const bytes = MAX_BODY_BYTES + 4 * CHUNK
    const head = postHead('/services', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })
    const exchange = await rawPost(port, head, { bytes, chunked: true, pauseMs: 1 })
    const response = parseResponse(exchange.received)
    expect(response.status).toBe('HTTP/1.1 413 Payload Too Large')
    expect(response.headers.connection).toBe('close')
    expect(JSON.parse(response.body)).toEqual({ message: 'Payload too large' })
    expect(exchange.error).toBeUndefined()
    expect(exchange.sent).toBe(bytes)
    expect((await gw.admin('GET', '/services?size=1000')).body.data).toEqual([])
  })

  it('takes a body of exactly the limit, Content-Length or chunked', async () => {
    const json = (name: string) => {
      const text = JSON.stringify({ name, host: `${name}.local` })
      // JSON allows trailing whitespace: the body is padded to the limit.
      return text + ' '.repeat(MAX_BODY_BYTES - text.length)
    }
    for (const chunked of [false, true]) {
      const name = chunked ? 'at-limit-chunked' : 'at-limit'
      const body = Buffer.from(json(name))
      const framing: Record<string, string | number> = chunked
        ? { 'transfer-encoding': 'chunked' }
        : { 'content-length': body.length }
      const head = postHead('/services', {
        'content-type': 'application/json',
        connection: 'close',
        ...framing,
      })
      const exchange = await rawPost(port, head, { bytes: body.length, chunked, pauseMs: 0, content: body })
      const response = parseResponse(exchange.received)
      expect(response.status).toBe('HTTP/1.1 201 Created')
      expect(exchange.error).toBeUndefined()
      expect((await gw.admin('GET', `/services/${name}`)).status).toBe(200)
    }
  })

  it('cuts a client sending far past the discard bound, after its 413', async () => {
    // Declares (and tries to send) four times what is ever read after the answer.
    const bytes = 4 * LINGER_BYTES
    const head = postHead('/services', { 'content-type': 'application/json', 'content-length': bytes })
    const exchange = await rawPost(port, head, { bytes, chunked: false, pauseMs: 0 })
    // Either the 413 arrived or the connection was closed: never the whole body read.
    if (exchange.received !== '') {
      expect(parseResponse(exchange.received).status).toBe('HTTP/1.1 413 Payload Too Large')
    }
    expect(exchange.sent).toBeLessThan(bytes)
    expect(exchange.error).toMatch(/^(EPIPE|ECONNRESET)$/)
  })

  it('cuts a client trickling its body, LINGER_MS after its 413', async () => {
    const bytes = 4 * LINGER_BYTES
    const head = postHead('/services', { 'content-type': 'application/json', 'content-length': bytes })
    const started = Date.now()
    // 64 KiB every 100 ms: the whole body would take well over a minute.
    const exchange = await rawPost(port, head, { bytes, chunked: false, pauseMs: 100 })
    expect(parseResponse(exchange.received).status).toBe('HTTP/1.1 413 Payload Too Large')
    expect(exchange.sent).toBeLessThan(bytes)
    // Generous for a busy machine; the 30 s guard of rawPost is what a missing bound would hit.
    expect(Date.now() - started).toBeLessThan(LINGER_MS + 10_000)
  }, 40_000)
})
