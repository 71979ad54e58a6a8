import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import type { ProxyOptions } from '../../host/proxy/index.ts'
import { route, send, service, startProxy, type TestProxy } from './helpers.ts'

let echo: EchoServer
const proxies: TestProxy[] = []

beforeAll(async () => {
  echo = await startEchoServer()
})

afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()))
  await echo.close()
})

/** A proxy with routes /api (strip_path) and /full (no strip) and the given trust settings. */
async function proxyWith(options: Partial<ProxyOptions>): Promise<TestProxy> {
  const svc = service(echo.port, { path: '/base' })
  const gw = await startProxy(
    [route(svc, { paths: ['/api'] }), route(svc, { paths: ['/full'], strip_path: false })],
    [svc],
    options,
  )
  proxies.push(gw)
  return gw
}

const FORGED = {
  'x-forwarded-for': '203.0.113.7',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'public.example',
  'x-forwarded-port': '443',
  'x-forwarded-path': '/public/path',
  'x-forwarded-prefix': '/public',
  'x-real-ip': '198.51.100.1',
}

async function upstreamHeaders(gw: TestProxy, path: string, headers: Record<string, string> = {}) {
  const reply = await send(gw.port, path, { headers: { host: 'Gateway.Test:8000', ...headers } })
  expect(reply.status).toBe(200)
  return (JSON.parse(reply.body) as EchoReply).headers
}

describe('X-Forwarded-* and X-Real-IP', () => {
  it('describe the request as the gateway saw it when nothing is forwarded', async () => {
    const gw = await proxyWith({})
    const seen = await upstreamHeaders(gw, '/api/items?x=1')
    expect(seen['x-forwarded-for']).toBe('127.0.0.1')
    expect(seen['x-forwarded-proto']).toBe('http')
    expect(seen['x-forwarded-host']).toBe('gateway.test')
    expect(seen['x-forwarded-port']).toBe(String(gw.port))
    expect(seen['x-forwarded-path']).toBe('/api/items')
    expect(seen['x-forwarded-prefix']).toBe('/api')
    expect(seen['x-real-ip']).toBe('127.0.0.1')
  })

  it('send no X-Forwarded-Prefix when nothing was stripped', async () => {
    const gw = await proxyWith({})
    const seen = await upstreamHeaders(gw, '/full/items')
    expect(seen['x-forwarded-prefix']).toBeUndefined()
    expect(seen['x-forwarded-path']).toBe('/full/items')
  })

  it('ignore values sent by an untrusted peer (X-Forwarded-For is appended to, as Kong does)', async () => {
    const gw = await proxyWith({ trustedIps: ['10.0.0.0/8'] })
    const seen = await upstreamHeaders(gw, '/api/items', FORGED)
    expect(seen['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1')
    expect(seen['x-forwarded-proto']).toBe('http')
    expect(seen['x-forwarded-host']).toBe('gateway.test')
    expect(seen['x-forwarded-port']).toBe(String(gw.port))
    expect(seen['x-forwarded-path']).toBe('/api/items')
    expect(seen['x-forwarded-prefix']).toBe('/api')
    expect(seen['x-real-ip']).toBe('127.0.0.1')
  })

  it('keep values sent by a trusted peer and take the client address from real_ip_header', async () => {
    const gw = await proxyWith({ trustedIps: ['127.0.0.0/8'] })
    const seen = await upstreamHeaders(gw, '/api/items', FORGED)
    expect(seen['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1')
    expect(seen['x-forwarded-proto']).toBe('https')
    expect(seen['x-forwarded-host']).toBe('public.example')
    expect(seen['x-forwarded-port']).toBe('443')
    expect(seen['x-forwarded-path']).toBe('/public/path')
    expect(seen['x-forwarded-prefix']).toBe('/public')
    expect(seen['x-real-ip']).toBe('198.51.100.1')
    const entry = gw.accessLog.at(-1)
    expect(entry?.client_ip).toBe('198.51.100.1')
  })

  it('use the real client address as X-Forwarded-For when none came in', async () => {
    const gw = await proxyWith({ trustedIps: ['127.0.0.1'] })
    const seen = await upstreamHeaders(gw, '/api', { 'x-real-ip': '198.51.100.1' })
    expect(seen['x-forwarded-for']).toBe('198.51.100.1')
    expect(seen['x-real-ip']).toBe('198.51.100.1')
  })

  it('take the last address of X-Forwarded-For without real_ip_recursive', async () => {
    const gw = await proxyWith({ trustedIps: ['127.0.0.1', '10.0.0.0/8'], realIpHeader: 'X-Forwarded-For' })
    const seen = await upstreamHeaders(gw, '/api', { 'x-forwarded-for': '1.1.1.1, 10.0.0.2' })
    expect(seen['x-real-ip']).toBe('10.0.0.2')
    expect(seen['x-forwarded-for']).toBe('1.1.1.1, 10.0.0.2, 127.0.0.1')
  })

  it('skip trusted addresses from the right with real_ip_recursive', async () => {
    const gw = await proxyWith({
      trustedIps: ['127.0.0.1', '10.0.0.0/8'],
      realIpHeader: 'X-Forwarded-For',
      realIpRecursive: true,
    })
    const seen = await upstreamHeaders(gw, '/api', { 'x-forwarded-for': '1.1.1.1, 10.0.0.3, 10.0.0.2' })
    expect(seen['x-real-ip']).toBe('1.1.1.1')
    const allTrusted = await upstreamHeaders(gw, '/api', { 'x-forwarded-for': '10.0.0.9, 10.0.0.2' })
    expect(allTrusted['x-real-ip']).toBe('10.0.0.9')
  })
})
