import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { type PluginServerContender, type RpcStats, startPluginServerContender } from './index.ts'
import { RpcClient } from './rpc-client.ts'

/** PDK calls each plugin's handlers make for a request with the bench key and no Origin. */
const PDK_CALLS_PER_REQUEST = {
  'correlation-id': 2, // get_header, set_header
  cors: 2 + 1, // access: get_method, get_header; response: response.set_header
  'key-auth': 7, // get_header, authenticate, set_header ×3, clear_header ×2
  acl: 2, // get_consumer, set_header
  'request-transformer': 2, // get_headers, set_header
}
/** Plugin phases run per request: five access handlers and cors' response handler. */
const EVENTS_PER_REQUEST = 6

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('Kong-style plugin server contender (kong-pdk)', () => {
  let echo: EchoServer
  let contender: PluginServerContender
  let stopped = false

  beforeAll(async () => {
    echo = await startEchoServer()
    contender = await startPluginServerContender(echo.url)
  }, 60_000)

  afterAll(async () => {
    if (!stopped) await contender?.stop()
    await echo?.close()
  })

  const get = (path: string, headers: Record<string, string> = {}) => fetch(contender.url + path, { headers })
  const stats = async () => (await (await fetch(contender.statsUrl)).json()) as RpcStats

  it('answers 401 with Kong’s body and challenge when the key is missing', async () => {
    const response = await get('/')
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Key')
    expect(await response.json()).toEqual({ message: 'No API key found in request' })
  })

  it('answers 401 Unauthorized for an unknown key', async () => {
    const response = await get('/', { apikey: 'not-the-key' })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Key')
    expect(await response.json()).toEqual({ message: 'Unauthorized' })
  })

  it('proxies a request with the key, with every plugin’s headers', async () => {
    const response = await get('/things?x=1', { ...contender.headers })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    const seen = (await response.json()) as EchoReply
    expect(seen.path).toBe('/things')
    expect(seen.query).toBe('x=1')
    expect(seen.headers['x-consumer-username']).toBe('bench')
    expect(seen.headers['x-consumer-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(seen.headers['x-credential-identifier']).toMatch(/^[0-9a-f-]{36}$/)
    expect(seen.headers['x-consumer-groups']).toBe('bench')
    expect(seen.headers['kong-request-id']).toMatch(/^[0-9a-f-]{36}#\d+$/)
    expect(seen.headers['x-bench']).toBe('1')
  })

  it('keeps a client’s own correlation id and answers a CORS preflight before key-auth runs', async () => {
    const kept = await get('/', { ...contender.headers, 'kong-request-id': 'mine' })
    expect(((await kept.json()) as { headers: Record<string, string> }).headers['kong-request-id']).toBe(
      'mine',
    )
    const preflight = await fetch(contender.url + '/', {
      method: 'OPTIONS',
      headers: { origin: 'http://example.test', 'access-control-request-method': 'PUT' },
    })
    expect(preflight.status).toBe(200)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT')
  })

  it('makes one RPC round trip per PDK call, plus one HandleEvent per plugin phase', async () => {
    const requests = 3
    const before = await stats()
    for (let i = 0; i < requests; i++) {
      const response = await get('/', { ...contender.headers })
      expect(response.status).toBe(200)
      await response.arrayBuffer()
    }
    const after = await stats()
    const pdkCalls = Object.values(PDK_CALLS_PER_REQUEST).reduce((sum, calls) => sum + calls, 0)
    expect(after.requests - before.requests).toBe(requests)
    expect(after.pdkCalls - before.pdkCalls).toBe(requests * pdkCalls)
    expect(after.events - before.events).toBe(requests * EVENTS_PER_REQUEST)
    expect(after.roundTrips - before.roundTrips).toBe(requests * (pdkCalls + EVENTS_PER_REQUEST))
  })

  it('starts an instance again when the plugin server dropped it (kong-pdk does after 60 s idle)', async () => {
    const rpc = new RpcClient(contender.socketPath)
    // The gateway started the five instances first, so they are kong-pdk's #0 to #4.
    for (let id = 0; id < 5; id++) await rpc.call('plugin.CloseInstance', id)
    rpc.close()
    const before = await stats()
    const response = await get('/', { ...contender.headers })
    expect(response.status).toBe(200)
    expect(((await response.json()) as EchoReply).headers['x-consumer-groups']).toBe('bench')
    const after = await stats()
    expect(after.events - before.events).toBe(EVENTS_PER_REQUEST + 5) // each refused once, then run
  })

  it('stops both processes and removes the socket’s directory', async () => {
    const { pid, pluginServerPid, socketPath } = contender
    expect(alive(pid) && alive(pluginServerPid) && existsSync(socketPath)).toBe(true)
    await contender.stop()
    stopped = true
    expect(alive(pid)).toBe(false)
    expect(alive(pluginServerPid)).toBe(false)
    expect(existsSync(dirname(socketPath))).toBe(false)
  })
})
