import { Agent, request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { startHostileGateway, type TestGateway } from '../helpers/index.ts'

/**
 * Values a hostile plugin leaves behind (issue 11, point 2): poisoned rejections and throws,
 * oversized exit bodies and headers, a 1xx exit, framing headers, a log flood. Each ends as that
 * request's documented answer with one failure line, the gateway keeps serving, and nothing is
 * read outside a limit: the crossing watchdog would kill this very process (workers: 'local') if
 * a crossing hung, so every test passing here is also "the watchdog never fired".
 * hostile-cluster.test.ts shows the same against a real cluster worker, its pid unchanged.
 */
describe('hostile plugin values', () => {
  let upstream: EchoServer
  let gw: TestGateway
  const MODES = [
    'poisoned-rejection',
    'poisoned-rejection-error',
    'poisoned-throw',
    'exit-150mb',
    'exit-400mb',
    'header-40mb',
    'exit-103',
    'hop-by-hop',
    'log-flood',
  ]

  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startHostileGateway(upstream, MODES)
  })

  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  const get = (path: string) => fetch(`${gw.proxyUrl}${path}`)
  const linesFor = (requestId: string | null, msg?: string) =>
    gw.logs.filter((line) => line.request_id === requestId && (msg === undefined || line.msg === msg))

  async function stillServing() {
    expect((await get('/healthy')).status).toBe(200)
    const other = await get('/other/x')
    expect(other.status).toBe(200)
    expect(other.headers.get('x-tagger-seen')).toBe('other')
  }

  /** One request: its status, one failure line with `reason` (and `detail` matching), then others served. */
  async function expectFailure(mode: string, status: number, reason: string, detail?: RegExp) {
    const answer = await get(`/${mode}`)
    expect(answer.status, mode).toBe(status)
    const text = await answer.text()
    expect(text.length).toBeLessThan(1000)
    const lines = linesFor(answer.headers.get('x-isogate-request-id'), 'plugin failed')
    expect(lines, `${mode}: one failure line`).toHaveLength(1)
    expect(lines[0]).toMatchObject({ workspace: 'default', plugin: 'hostile', phase: 'access', reason })
    if (detail) expect(String(lines[0]?.detail)).toMatch(detail)
    await stillServing()
  }

  it('fails an unhandled rejection whose reason has a looping getter as an exception (500)', () =>
    expectFailure(
      'poisoned-rejection',
      500,
      'exception',
      /unhandled promise rejection.*not an instance of `Error`/,
    ))

  it('reads a rejected Error without running its getters: the message, never the poisoned name', () =>
    expectFailure('poisoned-rejection-error', 500, 'exception', /unhandled promise rejection.*: poisoned/))

  it('stops a thrown value whose getters loop at the CPU limit, inside the isolate (503)', () =>
    expectFailure('poisoned-throw', 503, 'cpu_limit'))

  it('refuses 150 MB and 400 MB exit bodies by length, as a bridge quota (503)', async () => {
    await expectFailure('exit-150mb', 503, 'bridge_violation', /body_size.*157286400 characters/)
    await expectFailure('exit-400mb', 503, 'bridge_violation', /body_size.*419430400 characters/)
  })

  it('refuses a 40 MB header value by length, as a bridge quota (503)', () =>
    expectFailure('header-40mb', 503, 'bridge_violation', /header_size.*41943040 characters/))

  it('refuses a 103 exit (500), and the kept-alive connection answers its next request correctly', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const send = (path: string) =>
      new Promise<{ status: number; body: string; reused: boolean }>((resolve, reject) => {
        const req = httpRequest(`${gw.proxyUrl}${path}`, { agent }, (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            body += chunk
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }))
        })
        req.on('error', reject)
        req.end()
      })
    try {
      const early = await send('/exit-103')
      expect(early.status).toBe(500)
      expect(early.body).not.toContain('early hints')
      const next = await send('/healthy/after-103')
      expect(next.reused).toBe(true)
      expect(next.status).toBe(200)
      expect((JSON.parse(next.body) as EchoReply).path).toBe('/after-103')
    } finally {
      agent.destroy()
    }
    const failures = gw.logs.filter(
      (line) => line.msg === 'plugin failed' && String(line.detail).includes('between 200 and 599'),
    )
    expect(failures.length).toBeGreaterThanOrEqual(1)
  })

  it('ignores framing and hop-by-hop headers a plugin sets, upstream and downstream, with a warning', async () => {
    const answer = await get('/hop-by-hop')
    expect(answer.status).toBe(200)
    const echoed = (await answer.json()) as EchoReply
    expect(echoed.headers['x-kept']).toBe('yes')
    for (const [name, value] of Object.entries(echoed.headers)) {
      expect(`${name}: ${value}`).not.toContain('x-smuggled')
    }
    expect(echoed.headers['content_length']).toBeUndefined()
    expect(answer.headers.get('x-kept')).toBe('yes')
    for (const [name, value] of answer.headers) expect(`${name}: ${value}`).not.toContain('x-smuggled')
    expect(answer.headers.get('upgrade')).toBeNull()
    const warnings = linesFor(answer.headers.get('x-isogate-request-id')).filter((line) =>
      String(line.msg).startsWith('manually setting'),
    )
    expect(warnings.map((line) => line.msg)).toContain('manually setting Transfer-Encoding. Ignored.')
    expect(warnings.map((line) => line.msg)).toContain('manually setting Content-Length. Ignored.')
    expect(linesFor(answer.headers.get('x-isogate-request-id'), 'plugin failed')).toEqual([])
  })

  it('logs at most 64 KiB of kong.log text per request (all phases), then one line saying so', async () => {
    const answer = await get('/log-flood')
    expect(answer.status).toBe(200)
    const lines = linesFor(answer.headers.get('x-isogate-request-id')).filter(
      (line) => line.plugin === 'hostile',
    )
    const flood = lines.filter((line) => /flood \d+ /.test(String(line.msg)))
    const bytes = flood.reduce((sum, line) => sum + Buffer.byteLength(String(line.msg)), 0)
    expect(bytes).toBeLessThanOrEqual(64 * 1024)
    expect(bytes).toBeGreaterThan(32 * 1024)
    const dropped = lines.filter((line) => String(line.msg).includes('further lines are dropped'))
    expect(dropped).toHaveLength(1)
    // The headerFilter's lines come after the budget is spent: none of them was logged.
    expect(flood.some((line) => String(line.msg).startsWith('late flood'))).toBe(false)
    await stillServing()
  })
})
