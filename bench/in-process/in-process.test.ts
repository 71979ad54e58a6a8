import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EchoReply, type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { bundlePlugin } from '../../runtime/bundle/index.ts'
import { type IsolateError, isIsolateError, runPhase } from '../../runtime/isolate/index.ts'
import { preludeSource, requestState } from '../../runtime/prelude/index.ts'
import type { InitCall } from '../../runtime/protocol.ts'
import { startInProcess } from '../contenders.ts'
import { BENCH_KEY } from '../plugin-figures.ts'
import {
  createInProcessIsolate,
  type InProcessGateway,
  InProcessIsolate,
  startInProcessGateway,
} from './index.ts'

const INIT: InitCall = {
  kind: 'init',
  seq: 0,
  node: { id: 'node-1', hostname: 'bench', version: '0.0.0' },
  workspace: { id: 'ws-1', name: 'default' },
  trustedIps: [],
}

let echo: EchoServer
beforeAll(async () => {
  echo = await startEchoServer()
})
afterAll(() => echo.close())

describe('the in-process gateway', () => {
  let started: InProcessGateway
  const built: unknown[] = []
  beforeAll(async () => {
    started = await startInProcessGateway(echo.url, async (options) => {
      const isolate = await createInProcessIsolate(options)
      built.push(isolate)
      return isolate
    })
  })
  afterAll(() => started.stop())

  it('runs the five bench plugins on a proxied request, without isolates', async () => {
    const response = await request(`${started.proxyUrl}/hello`, {
      headers: { ...BENCH_KEY, origin: 'http://client.test' },
    })
    const reply = (await response.body.json()) as EchoReply
    expect(response.statusCode).toBe(200)
    expect(reply.path).toBe('/hello')
    expect(reply.headers['x-consumer-username']).toBe('bench') // key-auth, access
    expect(reply.headers['x-consumer-groups']).toBe('bench') // acl, access
    expect(reply.headers['x-bench']).toBe('1') // request-transformer, access
    expect(reply.headers['kong-request-id']).toMatch(/.+/) // correlation-id, access
    expect(response.headers['access-control-allow-origin']).toBe('*') // cors, headerFilter
    // isolation = workspace: one context for the default workspace's chain, no isolate.
    expect(built.length).toBeGreaterThan(0)
    for (const isolate of built) expect(isolate).toBeInstanceOf(InProcessIsolate)
  })

  it('lets key-auth refuse a request without the key', async () => {
    const response = await request(`${started.proxyUrl}/hello`)
    expect(await response.body.json()).toMatchObject({ message: 'No API key found in request' })
    expect(response.statusCode).toBe(401)
  })

  it('reports its phase calls on the status listener', async () => {
    const status = (await (await fetch(`${started.statusUrl}/status`)).json()) as {
      plugins: { phase_calls: { count: number }[] }
    }
    expect(status.plugins.phase_calls[0]?.count).toBeGreaterThan(0)
  })
})

describe('createInProcessIsolate', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'isogate-in-process-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  async function bundle(name: string, handler: string): Promise<{ name: string; code: string }> {
    const folder = join(dir, name)
    mkdirSync(folder)
    writeFileSync(join(folder, 'handler.ts'), handler)
    writeFileSync(
      join(folder, 'schema.ts'),
      `export default { name: '${name}', config: { type: 'object' } }\n`,
    )
    return { name, code: (await bundlePlugin({ dir: folder })).code }
  }

  it('settles an async handler between crossings, as an isolate does', async () => {
    const plugin = await bundle(
      'later',
      `export default { priority: 1, version: '1.0.0', async access(kong) {
        await Promise.resolve()
        kong.service.request.setHeader('x-later', 'yes')
      } }\n`,
    )
    const isolate = await createInProcessIsolate({
      memoryMb: 64,
      prelude: preludeSource(),
      plugins: [plugin],
      init: INIT,
    })
    isolate.dispatch({ kind: 'configure', seq: 0, plugin: 'later', configs: { c1: {} } }, 1000)
    const { result } = await runPhase(
      isolate,
      {
        kind: 'call',
        seq: 0,
        phase: 'access',
        rid: 'r1',
        run: [{ plugin: 'later', config: 'c1' }],
        state: requestState(),
        last: true,
        budgetMs: 1000,
      },
      { cpuMs: 1000, wallMs: 5000 },
      () => Promise.reject(new Error('no I/O expected')),
    )
    expect(result.outcomes).toEqual([])
    expect(result.mutations).toContainEqual({
      op: 'service.request.setHeader',
      name: 'x-later',
      value: 'yes',
    })
    isolate.dispose()
    expect(isolate.disposed).toBe(true)
    expect(() => isolate.dispatch(INIT, 1000)).toThrow(/disposed/)
  })

  it('names the plugin whose bundle throws while loading', async () => {
    const error = await createInProcessIsolate({
      memoryMb: 64,
      prelude: preludeSource(),
      plugins: [{ name: 'broken', code: 'throw new Error("boom")' }],
      init: INIT,
    }).catch((e: unknown) => e)
    expect(isIsolateError(error)).toBe(true)
    expect((error as IsolateError).plugin).toBe('broken')
    expect((error as IsolateError).message).toContain('boom')
  })
})

describe('startInProcess', () => {
  it('starts the contender process, configured and serving through the chain', async () => {
    const contender = await startInProcess(echo.url)
    try {
      expect(contender.name).toBe('isogate, 5 plugins in-process (no isolation)')
      expect(contender.headers).toEqual(BENCH_KEY)
      expect((await contender.measureColdStart?.())?.firstMs).toBeGreaterThan(0)
      const response = await request(`${contender.url}/x`, { headers: contender.headers })
      const reply = (await response.body.json()) as EchoReply
      expect(response.statusCode).toBe(200)
      expect(reply.headers['x-bench']).toBe('1')
      expect(reply.headers['x-consumer-groups']).toBe('bench')
    } finally {
      await contender.stop()
    }
  }, 60_000)
})
