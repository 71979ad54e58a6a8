import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startTestGateway, type TestGateway } from '../helpers/index.ts'

/** One request with repeated, mixed-case and `_` header lines, exactly as listed. */
function send(url: string): Promise<{ status: number; headers: Record<string, unknown>; reply: EchoReply }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/wire`, { method: 'GET' }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          reply: JSON.parse(Buffer.concat(chunks).toString('utf8')) as EchoReply,
        }),
      )
    })
    req.setHeader('X-Multi', ['a', 'b'])
    req.setHeader('x-MIXED-Case', 'M')
    req.setHeader('x_under', 'u')
    req.setHeader('__proto__', 'p')
    req.on('error', reject)
    req.end()
  })
}

/**
 * The request travels to each isolate once, as the text the host encoded when it arrived (header
 * lines parsed in the isolate on first read), and later phases get only what changed since the
 * isolate's last call: whatever the path, the isolate's headers are the host's.
 */
describe.each(['plugin', 'workspace'] as const)('the request on the wire (isolation = %s)', (isolation) => {
  let upstream: EchoServer
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway({ plugins: 'tagger,header-mirror', plugin_paths: FIXTURE_PLUGINS, isolation })
    expect((await gw.admin('POST', '/services', { name: 's', url: upstream.url })).status).toBe(201)
    expect((await gw.admin('POST', '/services/s/routes', { paths: ['/'] })).status).toBe(201)
    expect((await gw.admin('POST', '/plugins', { name: 'tagger' })).status).toBe(201)
    expect((await gw.admin('POST', '/plugins', { name: 'header-mirror' })).status).toBe(201)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  it('parses repeated, mixed-case, `_` and `__proto__` header lines as the host does', async () => {
    const { status, reply } = await send(gw.proxyUrl)
    expect(status).toBe(200)
    const seen = JSON.parse(String(reply.headers['x-mirror-access'])) as Record<string, unknown>
    expect(seen['x-multi']).toEqual(['a', 'b'])
    expect(seen['x-mixed-case']).toBe('M')
    expect(seen.x_under).toBe('u')
    expect(Object.getOwnPropertyDescriptor(seen, '__proto__')?.value).toBe('p')
    expect(Object.keys(seen)).not.toContain('X-Multi')
    // Upstream, the host's own view of the same lines.
    expect(reply.headers['x-multi']).toBe('a, b')
    expect(reply.headers['x-mixed-case']).toBe('M')
    expect(reply.headers.x_under).toBe('u')
  })

  it("shows a plugin the earlier plugins' header changes, in its first call and in later phases", async () => {
    const { status, headers, reply } = await send(gw.proxyUrl)
    expect(status).toBe(200)
    const access = JSON.parse(String(reply.headers['x-mirror-access'])) as Record<string, unknown>
    // tagger ran before (rewrite, then access at a higher priority): in another isolate or the same one.
    expect(access['x-rewritten']).toBe('yes')
    expect(access['x-tagger']).toBe('tagged')
    expect(reply.headers['x-set-in-access']).toBe('yes')
    const filter = JSON.parse(String(headers['x-mirror-filter'])) as Record<string, unknown>
    expect(filter).toEqual({
      ...access,
      'x-set-in-access': 'yes',
      'x-tagger-init': 'true',
      'x-tagger-instances': '1',
    })
    expect(headers['x-mirror-status']).toBe('200')
  })

  it('keeps requests apart: each later phase sees its own request', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(gw.proxyUrl)))
    for (const { status, headers, reply } of answers) {
      expect(status).toBe(200)
      const filter = JSON.parse(String(headers['x-mirror-filter'])) as Record<string, unknown>
      expect(filter['x-multi']).toEqual(['a', 'b'])
      expect(reply.headers['x-set-in-access']).toBe('yes')
    }
  })
})
