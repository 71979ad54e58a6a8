/**
 * The Kong-style gateway process: node:http in front of one undici Pool (as bench/bare-proxy.ts),
 * plus the bench's five plugins run through the kong-pdk plugin server it starts as its child
 * (so the bench's process tree holds both). Per request: the `access` phase of each plugin, in
 * priority order, one RPC round trip per PDK call; a `kong.response.exit` answers without
 * proxying; else the upstream's answer is buffered, the `response` phase runs, and it is sent.
 * `GET /__rpc-stats` answers the counters. Prints `{"port":…,"pluginServerPid":…}` when ready.
 */
import { spawn } from 'node:child_process'
import { createServer, type ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'
import { endToEnd } from '../end-to-end-headers.ts'
import { BENCH_PLUGINS } from '../plugin-figures.ts'
import { firstJsonLine, stopProcess } from '../processes.ts'
import { PluginChain } from './plugin-chain.ts'
import { type ExitAnswer, RequestState } from './request-state.ts'
import { RpcClient } from './rpc-client.ts'
import { type RpcStats, STATS_PATH } from './rpc-stats.ts'

const [upstream, socketPath] = process.argv.slice(2)
if (!upstream || !socketPath) throw new Error('usage: gateway.ts <upstream origin> <socket path>')

// stdin is a pipe the plugin server watches: it exits when this process goes, however it goes.
const pluginServer = spawn(
  process.execPath,
  [
    '--no-node-snapshot',
    '--import',
    import.meta.resolve('tsx'),
    fileURLToPath(new URL('./plugin-server.ts', import.meta.url)),
    socketPath,
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
)
await firstJsonLine(pluginServer)
const rpc = new RpcClient(socketPath)
const chain = await PluginChain.start(rpc, BENCH_PLUGINS)
const pool = new Pool(upstream, { connections: 512, pipelining: 1 })
let requests = 0

/** Kong's exit: a table body is sent as JSON. */
function sendExit(res: ServerResponse, exit: ExitAnswer): void {
  const headers = Object.fromEntries(
    Object.entries(exit.headers).map(([name, value]) => [name, String(value)]),
  )
  let body: string | Uint8Array = ''
  if (exit.body instanceof Uint8Array || typeof exit.body === 'string') body = exit.body
  else if (exit.body !== null && exit.body !== undefined) {
    body = JSON.stringify(exit.body)
    headers['Content-Type'] ??= 'application/json; charset=utf-8'
  }
  headers['Content-Length'] = String(Buffer.byteLength(body))
  res.writeHead(exit.status, headers)
  res.end(body)
}

const server = createServer(async (req, res) => {
  if (req.url === STATS_PATH) {
    res.writeHead(200, { 'content-type': 'application/json' })
    const stats: RpcStats = { requests, roundTrips: rpc.roundTrips, ...chain.counters }
    res.end(JSON.stringify(stats))
    return
  }
  requests += 1
  try {
    const state = new RequestState(req)
    await chain.run('access', state)
    if (state.exit) return sendExit(res, state.exit)
    const hasBody =
      req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined
    const answer = await pool.request({
      method: state.method as 'GET',
      path: req.url ?? '/',
      headers: state.headers,
      body: hasBody ? req : undefined,
    })
    // A plugin with a `response` phase makes Kong buffer the upstream's answer before running it.
    const body = Buffer.from(await answer.body.arrayBuffer())
    state.status = answer.statusCode
    state.responseHeaders = endToEnd(answer.headers)
    await chain.run('response', state)
    if (state.exit) return sendExit(res, state.exit)
    res.writeHead(state.status, state.responseHeaders)
    res.end(body)
  } catch (error) {
    console.error(`[gateway] ${(error as Error).message}`)
    if (!res.headersSent) res.writeHead(502)
    res.end()
  }
})
server.keepAliveTimeout = 60_000

process.once('SIGTERM', async () => {
  server.close()
  rpc.close()
  await stopProcess(pluginServer)
  process.exit(0)
})

server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  process.stdout.write(`${JSON.stringify({ port, pluginServerPid: pluginServer.pid })}\n`)
})
