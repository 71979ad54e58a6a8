import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the echo server answers: the request as it arrived. */
export interface EchoReply {
  method: string
  path: string
  /** Raw query string without `?` ('' when none). */
  query: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

export interface EchoServer {
  server: Server
  port: number
  url: string
  close(): Promise<void>
}

/**
 * A small upstream that answers every request with JSON describing it. Used by `npm start`
 * (the quickstart's local upstream) and by the tests. Request headers steer it:
 * `x-echo-status` (answer status), `x-echo-delay-ms` (wait before answering).
 */
export async function startEchoServer(host = '127.0.0.1', port = 0): Promise<EchoServer> {
  const server = createServer(handle)
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  return {
    server,
    port: address.port,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const reply: EchoReply = {
      method: req.method ?? 'GET',
      path: q === -1 ? url : url.slice(0, q),
      query: q === -1 ? '' : url.slice(q + 1),
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    }
    const status = Number(req.headers['x-echo-status'] ?? 200)
    const delay = Number(req.headers['x-echo-delay-ms'] ?? 0)
    const send = () => {
      if (res.destroyed) return
      const payload = JSON.stringify(reply)
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      })
      res.end(payload)
    }
    if (delay > 0) setTimeout(send, delay)
    else send()
  })
}
