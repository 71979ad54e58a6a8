import type { Socket } from 'node:net'
import type { ConnectionStats } from './connection-stats.ts'
import { rawErrorResponse } from './gateway-response.ts'

/**
 * node:http's `clientError` listener: requests it cannot parse never reach the handler, so the
 * gateway answers them on the raw socket with Kong's JSON bodies (431 for oversized headers,
 * 408 for a header timeout, 400 otherwise) and closes the connection.
 */
export function createClientErrorHandler(
  stats: ConnectionStats,
  server: string,
): (err: Error & { code?: string }, socket: Socket) => void {
  return (err, socket) => {
    // Nothing useful can be written to a dead socket or in the middle of another response.
    if (err.code === 'ECONNRESET' || !socket.writable || stats.busy(socket)) {
      socket.destroy()
      return
    }
    stats.countRejected()
    let reply: string
    if (err.code === 'HPE_HEADER_OVERFLOW')
      reply = rawErrorResponse(431, 'Request Header Fields Too Large', server)
    else if (err.code === 'HPE_HEADERS_TIMEOUT' || err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      reply = rawErrorResponse(408, 'Request Timeout', server)
    } else reply = rawErrorResponse(400, 'Bad Request', server)
    socket.end(reply)
  }
}
