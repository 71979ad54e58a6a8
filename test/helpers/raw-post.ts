import { connect } from 'node:net'
import { expect } from 'vitest'

/** The body piece rawPost writes at a time. */
export const CHUNK = 64 * 1024

export interface RawExchange {
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
export function rawPost(
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

/** A POST request head for 127.0.0.1 with these headers. */
export function postHead(path: string, headers: Record<string, string | number>): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  return [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...lines, '', ''].join('\r\n')
}

/** An HTTP/1.1 response's status line, headers (lower-cased) and body, from raw text. */
export function parseResponse(text: string): {
  status: string
  headers: Record<string, string>
  body: string
} {
  const end = text.indexOf('\r\n\r\n')
  const [status = '', ...lines] = text.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status, headers, body: text.slice(end + 4) }
}

/**
 * A body over the limit answered as it should be: Kong's 413 with `Connection: close`, and the
 * client's whole body taken (the server read it instead of resetting the connection under it).
 */
export function expectAnswered413(exchange: RawExchange, bytes: number): void {
  const response = parseResponse(exchange.received)
  expect(response.status).toBe('HTTP/1.1 413 Payload Too Large')
  expect(response.headers.connection).toBe('close')
  expect(JSON.parse(response.body)).toEqual({ message: 'Payload too large' })
  expect(exchange.error).toBeUndefined()
  expect(exchange.sent).toBe(bytes)
}
