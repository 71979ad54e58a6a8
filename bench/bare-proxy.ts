/**
 * The floor for any Node proxy: node:http in front of one undici Pool, forwarding method, path,
 * headers and body, with nothing else (no routing, no header rewriting, no logging).
 */
import { createServer } from 'node:http'
import { Pool } from 'undici'
import { endToEnd } from './end-to-end-headers.ts'

const upstream = process.argv[2]
if (!upstream) throw new Error('usage: bare-proxy.ts <upstream origin>')
const pool = new Pool(upstream, { connections: 512, pipelining: 1 })

const server = createServer(async (req, res) => {
  try {
    const headers = endToEnd(req.headers)
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined
    const answer = await pool.request({
      method: req.method as 'GET',
      path: req.url ?? '/',
      headers,
      body: hasBody ? req : undefined,
    })
    res.writeHead(answer.statusCode, endToEnd(answer.headers))
    for await (const chunk of answer.body) res.write(chunk)
    res.end()
  } catch {
    if (!res.headersSent) res.writeHead(502)
    res.end()
  }
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  )
})
