/** The benchmark's upstream: a minimal node:http server with a small fixed JSON answer. */
import { createServer } from 'node:http'

const body = JSON.stringify({ ok: true, service: 'bench-upstream', padding: 'x'.repeat(64) })
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  })
})
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  )
})
