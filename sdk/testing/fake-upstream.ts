import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Headers } from '../../runtime/protocol.ts'
import { lowerCased } from './fake-request.ts'
import type { FakeUpstreamResponse, UpstreamRequest } from './types.ts'

export interface FakeUpstream {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** What it received, null while no request got there. */
  received(): UpstreamRequest | null
  close(): Promise<void>
}

/** Between two chunks of a listed body, so that the gateway reads them apart (TCP may still merge them). */
const CHUNK_PAUSE_MS = 20

/**
 * A loopback HTTP server standing for the route's service: records the request the gateway
 * forwarded and answers `response`, a listed body one write per entry with a pause between them.
 */
export async function startFakeUpstream(response: FakeUpstreamResponse): Promise<FakeUpstream> {
  let received: UpstreamRequest | null = null
  const server = createServer(async (req, res) => {
    const body: Buffer[] = []
    for await (const chunk of req) body.push(chunk as Buffer)
    received = upstreamRequest(req, Buffer.concat(body))
    // Only what the test gave: no Date of the upstream's own.
    res.sendDate = false
    res.writeHead(response.status ?? 200, lowerCased(response.headers))
    const chunks = typeof response.body === 'string' ? [response.body] : (response.body ?? [])
    for (const [i, chunk] of chunks.entries()) {
      if (i > 0) await sleep(CHUNK_PAUSE_MS)
      if (chunk !== '') res.write(chunk)
    }
    res.end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function upstreamRequest(req: IncomingMessage, body: Buffer): UpstreamRequest {
  const target = req.url ?? '/'
  const mark = target.indexOf('?')
  const headers: Headers = {}
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined) headers[name] = values.length === 1 ? (values[0] as string) : values
  }
  return {
    method: req.method ?? 'GET',
    path: mark === -1 ? target : target.slice(0, mark),
    query: mark === -1 ? '' : target.slice(mark + 1),
    headers,
    body: body.toString('utf8'),
  }
}
