import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { startEchoServer } from '../host/echo/index.ts'
import { startTestGateway } from './helpers/index.ts'

it('writes one JSON access-log line per proxied request, with latencies', async () => {
  const upstream = await startEchoServer()
  const gw = await startTestGateway({ proxy_access_log: 'logs/access.log' })
  let ids: string[] = []
  try {
    await gw.admin('POST', '/services', { name: 'logged', url: upstream.url })
    await gw.admin('POST', '/services/logged/routes', { paths: ['/logged'] })
    const answers = [await fetch(`${gw.proxyUrl}/logged/a?x=1`), await fetch(`${gw.proxyUrl}/missing`)]
    ids = answers.map((answer) => answer.headers.get('x-isogate-request-id') as string)
    for (const answer of answers) await answer.arrayBuffer()
  } finally {
    // stop() flushes the asynchronous access log
    await gw.gateway.stop(1_000)
    await upstream.close()
  }
  const lines = readFileSync(join(gw.prefix, 'logs', 'access.log'), 'utf8')
    .trim()
    .split('\n')
  rmSync(gw.prefix, { recursive: true, force: true })
  expect(lines).toHaveLength(2)
  const [proxied, missing] = lines.map((line) => JSON.parse(line))
  expect(proxied).toMatchObject({
    request_id: ids[0],
    method: 'GET',
    uri: '/logged/a?x=1',
    status: 200,
    tries: 1,
  })
  expect(proxied.latencies.upstream).toBeGreaterThanOrEqual(0)
  expect(proxied.latencies.proxy).toBeGreaterThanOrEqual(0)
  expect(proxied.latencies.request).toBeGreaterThanOrEqual(0)
  expect(proxied.route_id).toMatch(/^[0-9a-f-]{36}$/)
  expect(missing).toMatchObject({ request_id: ids[1], status: 404, route_id: null, tries: 0 })
})
