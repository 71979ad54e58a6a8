import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundlePlugin } from '../../runtime/bundle/index.ts'
import { createPluginIsolate, type PluginIsolate, runPhase } from '../../runtime/isolate/index.ts'
import { preludeSource, requestState } from '../../runtime/prelude/index.ts'
import type { PhaseCall } from '../../runtime/protocol.ts'
import {
  BULKY_SCHEMA,
  bulkyHandler,
  startTestGateway,
  type TestGateway,
  writePluginFolders,
} from '../helpers/index.ts'

/**
 * 20,000 branches: compiling the handler costs hundreds of ms of CPU (tens on the fastest machine),
 * running it well under 1 ms. A budget of 50 ms sits between the two.
 */
const BRANCHES = 20_000
const CPU_MS = 50

describe('the first call into a fresh isolate', () => {
  let root: string
  let code: string
  const isolates: PluginIsolate[] = []
  beforeAll(async () => {
    root = writePluginFolders({ bulky: { 'schema.ts': BULKY_SCHEMA, 'handler.ts': bulkyHandler(BRANCHES) } })
    code = (await bundlePlugin({ dir: join(root, 'bulky') })).code
  }, 60_000)
  afterAll(() => {
    for (const isolate of isolates) isolate.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  async function firstCall(codeCache: boolean) {
    const isolate = await createPluginIsolate({
      memoryMb: 128,
      prelude: preludeSource(),
      plugins: [{ name: 'bulky', code }],
      init: {
        kind: 'init',
        seq: 0,
        node: { id: 'n', hostname: 'h', version: '0' },
        workspace: { id: 'w', name: 'default' },
        trustedIps: [],
      },
      codeCache,
      // The build's own steps are not what this measures: give them room on a busy machine.
      stepTimeoutMs: 30_000,
    })
    isolates.push(isolate)
    isolate.dispatch({ kind: 'configure', seq: 0, plugin: 'bulky', configs: { c: {} } }, 1000)
    const call: PhaseCall = {
      kind: 'call',
      seq: 0,
      phase: 'access',
      rid: 'r',
      run: [{ plugin: 'bulky', config: 'c' }],
      state: requestState(),
      last: true,
      budgetMs: CPU_MS,
    }
    return runPhase(isolate, call, { cpuMs: CPU_MS, wallMs: 60_000 }, async () => null)
  }

  it('fails on plugin_cpu_ms when V8 compiles the handler during it (no warm-up)', async () => {
    await expect(firstCall(false)).rejects.toMatchObject({ code: 'cpu_limit' })
  }, 60_000)

  it('succeeds once the isolate was built from a warmed code cache', async () => {
    const { result } = await firstCall(true)
    expect(result.exit).toMatchObject({ status: 200, body: '{"out":"ran"}' })
  }, 60_000)
})

describe('a plugin with a large handler behind a real gateway', () => {
  let root: string
  let gw: TestGateway
  beforeAll(async () => {
    root = writePluginFolders({ bulky: { 'schema.ts': BULKY_SCHEMA, 'handler.ts': bulkyHandler(BRANCHES) } })
    gw = await startTestGateway({ plugins: 'bulky', plugin_paths: root, plugin_cpu_ms: CPU_MS })
    expect((await gw.admin('POST', '/routes', { name: 'bulky', paths: ['/bulky'] })).status).toBe(201)
    expect((await gw.admin('POST', '/routes/bulky/plugins', { name: 'bulky' })).status).toBe(201)
  }, 60_000)
  afterAll(async () => {
    await gw?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it(`answers its first request with plugin_cpu_ms = ${CPU_MS}`, async () => {
    const first = await fetch(`${gw.proxyUrl}/bulky`, { headers: { 'x-n': '7' } })
    expect(first.status).toBe(200)
    expect(await first.json()).toEqual({ out: 'ranb77' })
  }, 60_000)
})
