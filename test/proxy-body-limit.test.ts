import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../host/echo/index.ts'
import {
  CHUNK,
  expectAnswered413,
  postHead,
  rawPost,
  startTestGateway,
  type TestGateway,
} from './helpers/index.ts'

const LIMIT = 1024 * 1024

let upstream: EchoServer
let gw: TestGateway
let port: number
beforeAll(async () => {
  upstream = await startEchoServer()
  gw = await startTestGateway({ client_max_body_size: '1m' })
  expect((await gw.admin('POST', '/services', { name: 's', url: upstream.url })).status).toBe(201)
  expect((await gw.admin('POST', '/services/s/routes', { paths: ['/'] })).status).toBe(201)
  port = gw.gateway.addresses.proxy[0]!.port
})
afterAll(async () => {
  await gw?.stop()
  await upstream?.close()
})

/**
 * client_max_body_size's 413 closes the connection, and a client still sending its body gets the
 * answer rather than a reset (the proxy lingers as the Admin API does: host/gateway/lingering-close.ts).
 */
describe('a proxied body over client_max_body_size, from a client still sending', () => {
  it('answers 413 to a Content-Length over the limit while the body is still coming', async () => {
    const bytes = LIMIT + 4 * CHUNK
    const head = postHead('/x', { 'content-type': 'text/plain', 'content-length': bytes })
    expectAnswered413(await rawPost(port, head, { bytes, chunked: false, pauseMs: 1 }), bytes)
  })

  it('answers 413 once a chunked body passes the limit, while the rest is still coming', async () => {
    const bytes = LIMIT + 4 * CHUNK
    const head = postHead('/x', { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' })
    expectAnswered413(await rawPost(port, head, { bytes, chunked: true, pauseMs: 1 }), bytes)
  })

  it('still proxies a body within the limit', async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/x`, { method: 'POST', body: 'a'.repeat(LIMIT) })
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as { body: string }).body).toHaveLength(LIMIT)
  })
})
