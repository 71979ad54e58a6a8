import { PassThrough } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/**
 * Requests interleave in one isolate when handlers await host I/O: the PDK objects of a handler
 * call answer for that call only (there is no "current call"), so a handler resumed after another
 * request ran the same handler still reads its own request and ctx and writes its own mutations.
 * Request A parks in access on its body (the test holds it open) while request B runs through.
 */
describe.each(['workspace', 'plugin'] as const)('interleaved requests (isolation = %s)', (isolation) => {
  let upstream: EchoServer
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway({ plugins: 'interleaver', plugin_paths: FIXTURE_PLUGINS, isolation })
    expect((await gw.admin('POST', '/services', { name: 's', url: upstream.url })).status).toBe(201)
    expect((await gw.admin('POST', '/services/s/routes', { paths: ['/'] })).status).toBe(201)
    expect((await gw.admin('POST', '/plugins', { name: 'interleaver' })).status).toBe(201)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  const send = async (who: string, body: string | PassThrough) => {
    const response = await request(`${gw.proxyUrl}/x`, { method: 'POST', headers: { 'x-who': who }, body })
    const reply = (await response.body.json()) as EchoReply
    return { status: response.statusCode, headers: response.headers, reply }
  }

  it('keeps each request to its own state while another runs the same handler', async () => {
    const bodyA = new PassThrough()
    bodyA.write('A-')
    const answerA = send('A', bodyA)
    // B runs through while A waits for its body; retried until A is seen in flight (bounded).
    let b = await send('B', 'B-body')
    for (let i = 0; i < 100 && b.headers['x-in-flight'] !== '1'; i++) {
      await sleep(50)
      b = await send('B', 'B-body')
    }
    expect(b.headers['x-in-flight']).toBe('1')
    expect(b.status).toBe(200)
    expect(b.headers['x-seen']).toBe('B|B|B|B-body')
    expect(b.headers['x-later']).toBe('B|B')
    expect(b.reply.headers['x-upstream-who']).toBe('B')

    bodyA.end('body')
    const a = await answerA
    expect(a.status).toBe(200)
    expect(a.headers['x-in-flight']).toBe('0')
    expect(a.headers['x-seen']).toBe('A|A|A|A-body')
    expect(a.headers['x-later']).toBe('A|A')
    expect(a.reply.headers['x-upstream-who']).toBe('A')
    expect(a.reply.body).toBe('A-body')
  })
})
