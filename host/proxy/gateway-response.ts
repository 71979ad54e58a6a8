import type { ServerResponse } from 'node:http'

/** Kong's texts for the responses the gateway makes itself (error_handlers.lua, handler.lua). */
export const MESSAGES = {
  400: 'Bad request',
  404: 'no Route matched with those values',
  408: 'Request timeout',
  413: 'Payload too large',
  431: 'Request header or cookie too large',
  500: 'An unexpected error occurred',
  502: 'An invalid response was received from the upstream server',
  503: 'The upstream server is currently unavailable',
  504: 'The upstream server is timing out',
  noService: 'no Service found with those values',
  nameResolution: 'name resolution failed',
  /** isogate's: a request that already passed this node (its Via), or a service aimed at its proxy. */
  loop: 'Loop detected',
} as const

export const JSON_TYPE = 'application/json; charset=utf-8'

/** Raw HTTP for errors answered before node:http made a response object (431, 400, 408). */
export function rawErrorResponse(status: 400 | 408 | 431, reason: string, server: string): string {
  const body = JSON.stringify({ message: MESSAGES[status] })
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    `Content-Type: ${JSON_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Server: ${server}\r\nConnection: close\r\n\r\n${body}`
  )
}

/**
 * Writes a gateway-made JSON error. `headers` is a flat [name, value, ...] list (request id,
 * latency, Server); `close` asks the client connection to end after this response.
 */
export function sendJsonError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: string[],
  close: boolean,
): void {
  const body = JSON.stringify({ message })
  headers.push('content-type', JSON_TYPE, 'content-length', String(Buffer.byteLength(body)))
  if (close) headers.push('connection', 'close')
  res.writeHead(status, headers)
  res.end(body)
}
