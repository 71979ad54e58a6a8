import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../host/echo/index.ts'
import { startTestGateway, type TestGateway } from './helpers/index.ts'

const tags = (n: number) => Array.from({ length: n }, (_, i) => `tag-${i}`)
const tooMany = {
  code: 2,
  name: 'schema violation',
  message: 'schema violation (tags: length must be at most 1000)',
  fields: { tags: 'length must be at most 1000' },
}

describe('an Admin API body past the array caps, on a serving node', () => {
  let upstream: EchoServer
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway()
    expect((await gw.admin('POST', '/services', { name: 'svc', url: upstream.url })).status).toBe(201)
    expect((await gw.admin('POST', '/services/svc/routes', { paths: ['/up'] })).status).toBe(201)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  it("answers 200,000 tags with Kong's field error while the proxy keeps answering", async () => {
    const body = JSON.stringify({ name: 'tagged', host: 'tagged.local', tags: tags(200_000) })
    const posted = fetch(`${gw.adminUrl}/services`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    // Proxied requests sent while the body is read, parsed and judged.
    const proxied = await Promise.all(
      Array.from({ length: 5 }, async () => (await fetch(`${gw.proxyUrl}/up/x`)).status),
    )
    const answer = await posted
    expect(answer.status).toBe(400)
    expect(await answer.json()).toEqual(tooMany)
    expect(proxied).toEqual([200, 200, 200, 200, 200])
    expect((await fetch(`${gw.proxyUrl}/up/y`)).status).toBe(200)
    // Nothing was written.
    expect((await gw.admin('GET', '/services/tagged')).status).toBe(404)
  })

  it('answers 20,000 tags with 400 (never a 500 from SQLite), and stores 1,000', async () => {
    const many = await gw.admin('POST', '/services', { host: 'a.local', tags: tags(20_000) })
    expect(many).toEqual({ status: 400, body: tooMany })
    const fits = await gw.admin('POST', '/services', { name: 'full', host: 'a.local', tags: tags(1000) })
    expect(fits.status).toBe(201)
    const listed = await gw.admin('GET', '/services?tags=tag-999')
    expect(listed.body.data.map((row: { name: string }) => row.name)).toEqual(['full'])
  })
})
