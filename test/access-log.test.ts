import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { startEchoServer } from '../host/echo/index.ts'
import { startCliNode, startTestGateway } from './helpers/index.ts'

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

it('writes the line of a lone request within a second, and every line by stop()', async () => {
  const upstream = await startEchoServer()
  const gw = await startTestGateway({ proxy_access_log: 'logs/access.log' })
  const loggedIds = () => requestIds(join(gw.prefix, 'logs', 'access.log'))
  const ids: string[] = []
  const request = async () => {
    const answer = await fetch(`${gw.proxyUrl}/prompt/x`)
    await answer.arrayBuffer()
    ids.push(answer.headers.get('x-isogate-request-id') as string)
  }
  try {
    await gw.admin('POST', '/services', { name: 'prompt', url: upstream.url })
    await gw.admin('POST', '/services/prompt/routes', { paths: ['/prompt'] })
    await request()
    // One line is far below the write buffer: only the flush timer writes it out.
    expect(await waitForLines(loggedIds, 1)).toEqual(ids)
    for (let i = 0; i < 40; i++) await request()
  } finally {
    await gw.gateway.stop(1_000)
    await upstream.close()
  }
  const logged = loggedIds()
  rmSync(gw.prefix, { recursive: true, force: true })
  expect(logged).toEqual(ids)
  expect(logged).toHaveLength(41)
})

it('cluster workers write a lone line within a second, and every line when the node stops', async () => {
  const upstream = await startEchoServer()
  const prefix = mkdtempSync(join(tmpdir(), 'isogate-access-'))
  const node = await startCliNode(prefix, { ISOGATE_PROXY_ACCESS_LOG: 'logs/access.log' })
  const loggedIds = () => requestIds(join(prefix, 'logs', 'access.log'))
  const ids: string[] = []
  const request = async () => {
    const answer = await fetch(`${node.proxyUrl}/workers/x`)
    await answer.arrayBuffer()
    return answer
  }
  try {
    const admin = (path: string, body: unknown) =>
      fetch(`${node.adminUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await admin('/services', { name: 'workers', url: upstream.url })).status).toBe(201)
    expect((await admin('/services/workers/routes', { paths: ['/workers'] })).status).toBe(201)
    // The route reaches the workers shortly after the write; the 404s before it are logged too.
    for (let attempt = 0; attempt < 100; attempt++) {
      const answer = await request()
      ids.push(answer.headers.get('x-isogate-request-id') as string)
      if (answer.status === 200) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(await waitForLines(loggedIds, ids.length)).toEqual(expect.arrayContaining(ids))
    for (let i = 0; i < 40; i++) ids.push((await request()).headers.get('x-isogate-request-id') as string)
  } finally {
    await node.stop()
    await upstream.close()
  }
  const logged = loggedIds()
  rmSync(prefix, { recursive: true, force: true })
  expect(logged.toSorted()).toEqual(ids.toSorted())
}, 60_000)

function requestIds(file: string): string[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line).request_id as string)
}

/** Polls for `count` lines for at most a second (the promise is 100 ms); answers what is there. */
async function waitForLines(read: () => string[], count: number): Promise<string[]> {
  const deadline = Date.now() + 1_000
  while (read().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
  return read()
}
