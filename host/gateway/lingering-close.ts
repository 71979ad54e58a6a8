import type { IncomingMessage, Server } from 'node:http'
import { Socket } from 'node:net'

/** Most request-body bytes a lingering connection reads and drops before it is cut. */
export const LINGER_BYTES = 16 * 1024 * 1024
/** Longest a connection lingers after its answer. */
export const LINGER_MS = 5_000

/**
 * Lingering close, as nginx does it: when node:http closes a connection after its answer
 * (`Connection: close`, as a 413 has) while the request body is still arriving, closing at once
 * would reset the connection under a client still writing, which then sees EPIPE instead of the
 * answer. Instead the write side is closed (the answer is complete) and the rest of the body is
 * read and dropped until it ends, LINGER_BYTES more have come or LINGER_MS have passed.
 * Returns a function that ends every lingering connection at once (shutdown).
 */
export function lingerOnEarlyClose(server: Server): () => void {
  const answering = new WeakMap<Socket, IncomingMessage>()
  const lingering = new Set<Socket>()
  server.on('request', (request: IncomingMessage) => answering.set(request.socket, request))
  server.on('connection', (socket: Socket) => {
    // node:http ends a `Connection: close` exchange with socket.destroySoon(): the one way in.
    socket.destroySoon = () => {
      if (lingering.has(socket)) return
      const request = answering.get(socket)
      if (!request || request.complete) return Socket.prototype.destroySoon.call(socket)
      linger(socket, request, lingering)
    }
  })
  return () => {
    for (const socket of lingering) socket.destroy()
  }
}

function linger(socket: Socket, request: IncomingMessage, lingering: Set<Socket>): void {
  lingering.add(socket)
  let read = 0
  const count = (chunk: Buffer) => {
    read += chunk.length
    if (read > LINGER_BYTES) done()
  }
  const done = () => {
    if (!lingering.delete(socket)) return
    clearTimeout(timer)
    request.off('data', count)
    socket.destroy()
  }
  const timer = setTimeout(done, LINGER_MS)
  request.on('data', count)
  // Keeps the body flowing if its reader paused it. (A body no handler touched is dumped by
  // node:http and emits no 'data': LINGER_MS alone bounds that one.)
  request.resume()
  request.once('end', done)
  socket.once('close', done)
  socket.end()
}
