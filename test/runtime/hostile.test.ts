import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { FIXTURE_PLUGINS, startHostileGateway, startTestGateway, type TestGateway } from '../helpers/index.ts'

/**
 * Hostile plugins through a real gateway: each misbehaviour gets its documented status and one
 * log line, the gateway keeps answering other routes and workspaces, and a plugin stopped by a
 * limit starts its next request in a fresh isolate.
 */
describe('hostile plugins', () => {
  let upstream: EchoServer
  let gw: TestGateway
  const MODES = [
    'ok',
    'loop',
    'loop-after-await',
    'slices',
    'huge-string',
    'throw',
    'throw-null',
    'throw-symbol',
    'throw-poisoned',
    'escape',
    'scan',
    'crlf',
    'flood',
    'bad-status',
    'never',
    'unhandled',
    'keep-handle',
    'hostile-args',
    'data-hostile-args',
    'data-flood',
    'header-throw',
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
  const failuresFor = (requestId: string | null) =>
    gw.logs.filter((line) => line.msg === 'plugin failed' && line.request_id === requestId)

  /** The gateway still serves a plain route and another workspace's plugin chain. */
  async function stillServing() {
    expect((await get('/healthy')).status).toBe(200)
    const other = await get('/other/x')
    expect(other.status).toBe(200)
    expect(other.headers.get('x-tagger-seen')).toBe('other')
  }

  async function expectFailure(mode: string, status: number, reason: string) {
    const answer = await get(`/${mode}`)
    expect(answer.status, mode).toBe(status)
    const body = (await answer.json()) as { message: string }
    // the client never sees plugin error text
    expect(JSON.stringify(body)).not.toMatch(/bug|poisoned|gotcha|trap/)
    const lines = failuresFor(answer.headers.get('x-isogate-request-id'))
    expect(lines, `${mode}: one log line`).toHaveLength(1)
    expect(lines[0]).toMatchObject({ workspace: 'default', plugin: 'hostile', phase: 'access', reason })
    expect(JSON.stringify(lines[0])).not.toContain('/work/')
    await stillServing()
  }

  it('counts calls in one isolate while it lives', async () => {
    const first = Number((await get('/ok')).headers.get('x-calls'))
    const second = Number((await get('/ok')).headers.get('x-calls'))
    expect(second).toBe(first + 1)
  })

  it('stops a synchronous infinite loop (503), and the next request gets a fresh isolate', async () => {
    await expectFailure('loop', 503, 'cpu_limit')
    expect((await get('/ok')).headers.get('x-calls')).toBe('1')
  })

  it('stops an infinite loop after an await', () => expectFailure('loop-after-await', 503, 'cpu_limit'))
  it('stops CPU spent in many small slices across awaits', () => expectFailure('slices', 503, 'cpu_limit'))
  // Doubling a string reaches V8's string length limit (a RangeError) before the heap limit.
  it('contains a huge string', () => expectFailure('huge-string', 500, 'exception'))
  it('fails a promise that can never settle at once, as an exception', () =>
    expectFailure('never', 500, 'exception'))

  it('answers 500 for throws of any shape', async () => {
    await expectFailure('throw', 500, 'exception')
    await expectFailure('throw-null', 500, 'exception')
    await expectFailure('throw-symbol', 500, 'exception')
    await expectFailure('throw-poisoned', 500, 'exception')
  })

  it('maps the stack of a throwing plugin to its .ts source', async () => {
    const answer = await get('/throw')
    const [line] = failuresFor(answer.headers.get('x-isogate-request-id'))
    expect(String(line?.stack)).toMatch(/handler\.ts:\d+/)
  })

  it('stops a plugin flooding the bridge with setter calls (a bridge quota: 503)', () =>
    expectFailure('flood', 503, 'bridge_violation'))

  it('contains an error in headerFilter: the response goes out, the failure is logged once', async () => {
    const answer = await get('/header-throw')
    expect(answer.status).toBe(200)
    const lines = failuresFor(answer.headers.get('x-isogate-request-id'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ plugin: 'hostile', phase: 'headerFilter', reason: 'exception' })
  })

  it('refuses CR/LF header injection and bad statuses with 500', async () => {
    await expectFailure('crlf', 500, 'exception')
    const echoed = await get('/healthy')
    expect(
      ((await echoed.json()) as { headers: Record<string, string> }).headers['x-injected'],
    ).toBeUndefined()
    await expectFailure('bad-status', 500, 'exception')
  })

  it('finds no way out of the isolate and no isolated-vm handle inside', async () => {
    expect((await get('/escape')).headers.get('x-escape')).toBe('undefined,undefined,undefined')
    expect((await get('/scan')).headers.get('x-suspicious')).toBe('none')
  })

  it('refuses Proxy, cyclic, BigInt, SharedArrayBuffer and thenable values given to the PDK', async () => {
    const answer = await get('/hostile-args')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('x-args')).toBe('refused,refused,refused,refused,refused')
  })

  it('refuses malformed kong.db and kong.cache calls, and writes to core entities', async () => {
    const answer = await get('/data-hostile-args')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('x-args')).toBe(Array(11).fill('refused').join(','))
    expect((await gw.admin('GET', '/consumers/sneaky')).status).toBe(404)
  })

  it('stops a plugin flooding the host with kong.db calls', () =>
    expectFailure('data-flood', 500, 'bridge_violation'))

  it('keeps a PDK handle from an earlier request from touching a later one', async () => {
    await get('/keep-handle')
    const answer = await get('/keep-handle')
    expect(answer.headers.get('x-stale')).toBe('refused')
  })

  it('fails a handler that leaves a rejected promise unhandled', () =>
    expectFailure('unhandled', 500, 'exception'))
})

/**
 * A heap bomb on its own gateway: under the suite's 50 ms CPU budget, which limit ends it first
 * depends on the machine (V8's last-resort GCs near the heap limit take tens of ms), so here the
 * CPU budget is out of reach and only the memory limit can stop it.
 */
describe('a memory bomb', () => {
  let upstream: EchoServer
  let gw: TestGateway
  beforeAll(async () => {
    upstream = await startEchoServer()
    gw = await startTestGateway(
      {
        plugins: 'hostile',
        plugin_paths: FIXTURE_PLUGINS,
        plugin_cpu_ms: 60_000,
        plugin_wall_ms: 60_000,
        isolate_memory_mb: 32,
      },
      { captureLogs: true },
    )
    expect((await gw.admin('POST', '/services', { name: 'svc', url: upstream.url })).status).toBe(201)
    const route = { name: 'bomb', paths: ['/bomb'] }
    expect((await gw.admin('POST', '/services/svc/routes', route)).status).toBe(201)
    expect((await gw.admin('POST', '/services/svc/routes', { paths: ['/healthy'] })).status).toBe(201)
    const plugin = { name: 'hostile', config: { mode: 'bomb' } }
    expect((await gw.admin('POST', '/routes/bomb/plugins', plugin)).status).toBe(201)
  })
  afterAll(async () => {
    await gw?.stop()
    await upstream?.close()
  })

  it('is stopped by the memory limit (503), and the gateway keeps serving', async () => {
    const answer = await fetch(`${gw.proxyUrl}/bomb`)
    expect(answer.status).toBe(503)
    const id = answer.headers.get('x-isogate-request-id')
    const lines = gw.logs.filter((line) => line.msg === 'plugin failed' && line.request_id === id)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatchObject({ plugin: 'hostile', phase: 'access', reason: 'memory_limit' })
    expect((await fetch(`${gw.proxyUrl}/healthy`)).status).toBe(200)
  })
})
