import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BODY_BYTES } from '../host/admin/index.ts'
import { LINGER_BYTES, LINGER_MS } from '../host/gateway/index.ts'
import {
  CHUNK,
  expectAnswered413,
  parseResponse,
  postHead,
  rawPost,
  startTestGateway,
  type TestGateway,
} from './helpers/index.ts'

let gw: TestGateway
let port: number
beforeAll(async () => {
  gw = await startTestGateway()
  port = gw.gateway.addresses.admin[0]!.port
})
afterAll(() => gw?.stop())

describe('an Admin API body over the limit, from a client still sending', () => {
  it('answers 413 to a Content-Length body sent slowly in chunks, then closes', async () => {
    const bytes = MAX_BODY_BYTES + 2 * CHUNK
    const head = postHead('/services', { 'content-type': 'application/json', 'content-length': bytes })
    expectAnswered413(await rawPost(port, head, { bytes, chunked: false, pauseMs: 1 }), bytes)
  })

  it('answers 413 to a chunked body once the bytes read pass the limit, then closes', async () => {
    const bytes = MAX_BODY_BYTES + 4 * CHUNK
    const head = postHead('/services', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })
    expectAnswered413(await rawPost(port, head, { bytes, chunked: true, pauseMs: 1 }), bytes)
    expect((await gw.admin('GET', '/services?size=1000')).body.data).toEqual([])
  })

  it('takes a body of exactly the limit, Content-Length or chunked', async () => {
    const json = (name: string) => {
      const text = JSON.stringify({ name, host: `${name}.local` })
      // JSON allows trailing whitespace: the body is padded to the limit.
      return text + ' '.repeat(MAX_BODY_BYTES - text.length)
    }
    for (const chunked of [false, true]) {
      const name = chunked ? 'at-limit-chunked' : 'at-limit'
      const body = Buffer.from(json(name))
      const framing: Record<string, string | number> = chunked
        ? { 'transfer-encoding': 'chunked' }
        : { 'content-length': body.length }
      const head = postHead('/services', {
        'content-type': 'application/json',
        connection: 'close',
        ...framing,
      })
      const exchange = await rawPost(port, head, { bytes: body.length, chunked, pauseMs: 0, content: body })
      const response = parseResponse(exchange.received)
      expect(response.status).toBe('HTTP/1.1 201 Created')
      expect(exchange.error).toBeUndefined()
      expect((await gw.admin('GET', `/services/${name}`)).status).toBe(200)
    }
  })

  it('cuts a client sending far past the discard bound, after its 413', async () => {
    // Declares (and tries to send) four times what is ever read after the answer.
    const bytes = 4 * LINGER_BYTES
    const head = postHead('/services', { 'content-type': 'application/json', 'content-length': bytes })
    const exchange = await rawPost(port, head, { bytes, chunked: false, pauseMs: 0 })
    // Either the 413 arrived or the connection was closed: never the whole body read.
    if (exchange.received !== '') {
      expect(parseResponse(exchange.received).status).toBe('HTTP/1.1 413 Payload Too Large')
    }
    expect(exchange.sent).toBeLessThan(bytes)
    expect(exchange.error).toMatch(/^(EPIPE|ECONNRESET)$/)
  })

  it('cuts a client trickling its body, LINGER_MS after its 413', async () => {
    const bytes = 4 * LINGER_BYTES
    const head = postHead('/services', { 'content-type': 'application/json', 'content-length': bytes })
    const started = Date.now()
    // 64 KiB every 100 ms: the whole body would take well over a minute.
    const exchange = await rawPost(port, head, { bytes, chunked: false, pauseMs: 100 })
    expect(parseResponse(exchange.received).status).toBe('HTTP/1.1 413 Payload Too Large')
    expect(exchange.sent).toBeLessThan(bytes)
    // Generous for a busy machine; the 30 s guard of rawPost is what a missing bound would hit.
    expect(Date.now() - started).toBeLessThan(LINGER_MS + 10_000)
  }, 40_000)
})
