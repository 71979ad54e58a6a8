import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { bundlePlugin } from '../bundle/index.ts'
import { preludeSource } from '../prelude/index.ts'
import type { IoRequest, PhaseCall } from '../protocol.ts'
import { INIT, requestState, STANDARD_GLOBALS } from './fake-prelude.fixture.ts'
import { createPluginIsolate, isLimitExceeded, mapStack, type PluginIsolate, runPhase } from './index.ts'

/** The real prelude, real bundles of real plugin folders, real isolates. */
let root: string
const open: PluginIsolate[] = []
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'isogate-isolate-prelude-'))
})
afterEach(() => {
  for (const isolate of open.splice(0)) isolate.dispose()
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function bundle(name: string, handler: string): Promise<{ name: string; code: string }> {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'handler.ts'), handler)
  writeFileSync(
    join(dir, 'schema.ts'),
    `export default { name: '${name}', config: { type: 'object', properties: { greeting: { type: 'string' } } } }\n`,
  )
  const built = await bundlePlugin({ dir })
  return { name, code: built.code }
}

/** An isolate with the real prelude and the given plugins, each configured as `c-<name>`. */
async function realIsolate(
  handlers: Record<string, string>,
  options: { memoryMb?: number; codeCache?: boolean } = {},
): Promise<{ isolate: PluginIsolate; bundles: { name: string; code: string }[] }> {
  const bundles = await Promise.all(Object.entries(handlers).map(([name, source]) => bundle(name, source)))
  const isolate = await createPluginIsolate({
    memoryMb: options.memoryMb ?? 64,
    prelude: preludeSource(),
    plugins: bundles,
    init: INIT,
    ...(options.codeCache === undefined ? {} : { codeCache: options.codeCache }),
  })
  open.push(isolate)
  for (const name of Object.keys(handlers)) {
    const result = isolate.dispatch(
      { kind: 'configure', seq: 0, plugin: name, configs: { [`c-${name}`]: { greeting: 'hello' } } },
      1000,
    )
    expect(result.fault).toBeUndefined()
  }
  return { isolate, bundles }
}

const call = (plugins: string[], rid = 'r1'): PhaseCall => ({
  kind: 'call',
  seq: 0,
  phase: 'access',
  rid,
  run: plugins.map((plugin) => ({ plugin, config: `c-${plugin}` })),
  state: requestState(rid),
  last: true,
  budgetMs: 100,
})
const budget = { cpuMs: 100, wallMs: 2000 }
const noIo = async (): Promise<unknown> => null

describe('with the real prelude', () => {
  it('runs a handler and returns its mutations and logs', async () => {
    const { isolate } = await realIsolate({
      greeter: `export default { priority: 1, version: '1.0.0', access(kong, conf) {
        kong.service.request.setHeader('x-greeting', conf.greeting + ' ' + kong.request.getHeader('user-agent'))
        kong.log.notice('greeted')
      } }`,
    })
    expect(isolate.meta('greeter')).toMatchObject({ priority: 1, version: '1.0.0', phases: ['access'] })
    const { result, cpuMs } = await runPhase(isolate, call(['greeter']), budget, noIo)
    expect(result.fault).toBeUndefined()
    expect(result.mutations).toEqual([
      { op: 'service.request.setHeader', name: 'x-greeting', value: 'hello bench/1.0' },
    ])
    expect(result.outcomes).toMatchObject([
      { plugin: 'greeter', config: 'c-greeter', status: 'ok', logs: [{ level: 'notice' }] },
    ])
    expect(cpuMs).toBeGreaterThan(0)
  })

  it('performs the I/O an async handler awaits and collects its exit', async () => {
    const { isolate } = await realIsolate({
      echo: `export default { priority: 1, version: '1.0.0', async access(kong) {
        const body = await kong.request.getRawBody()
        return kong.response.exit(201, { got: body })
      } }`,
    })
    const requests: IoRequest[] = []
    const { result } = await runPhase(isolate, call(['echo']), budget, async (request) => {
      requests.push(request)
      return 'hello body'
    })
    expect(requests.map((request) => request.op)).toEqual(['request.getRawBody'])
    expect(result.outcomes[0]?.status).toBe('exit')
    expect(result.exit?.status).toBe(201)
    expect(JSON.parse(result.exit?.body ?? '{}')).toEqual({ got: 'hello body' })
  })

  it('maps the stack of a throwing handler to handler.ts', async () => {
    const { isolate, bundles } = await realIsolate({
      thrower: [
        'export default {',
        "  priority: 1, version: '1.0.0',",
        '  access() {',
        "    throw new Error('kaboom')",
        '  },',
        '}',
        '',
      ].join('\n'),
    })
    const { result } = await runPhase(isolate, call(['thrower']), budget, noIo)
    const outcome = result.outcomes[0]
    expect(outcome).toMatchObject({ plugin: 'thrower', status: 'error', error: { message: 'kaboom' } })
    const mapped = mapStack(outcome?.error?.stack ?? '', bundles)
    expect(mapped).toMatch(/thrower\/handler\.ts:4:\d+/)
    expect(mapped).not.toMatch(/\/(tmp|work|home)\//)
  })

  it('stops an endless handler and a memory bomb', async () => {
    const { isolate } = await realIsolate({
      spinner: `export default { priority: 1, version: '1.0.0', access() { for (;;) {} } }`,
    })
    const spin = await runPhase(isolate, call(['spinner']), budget, noIo).catch((error: unknown) => error)
    expect(isLimitExceeded(spin) && spin.code).toBe('cpu_limit')
    const { isolate: hungry } = await realIsolate(
      {
        hog: `export default { priority: 1, version: '1.0.0', access() { const keep: unknown[] = []; for (;;) keep.push([keep.length]) } }`,
      },
      { memoryMb: 32 },
    )
    const bomb = await runPhase(hungry, call(['hog']), { cpuMs: 10_000, wallMs: 20_000 }, noIo).catch(
      (error: unknown) => error,
    )
    expect(isLimitExceeded(bomb) && bomb.code).toBe('memory_limit')
  })

  it("adds nothing to globalThis but the prelude and the bundles' var", async () => {
    const { isolate } = await realIsolate({
      probe: `export default { priority: 1, version: '1.0.0', access(kong) {
        kong.ctx.shared.names = Object.getOwnPropertyNames(globalThis)
      } }`,
    })
    const { result } = await runPhase(isolate, call(['probe']), budget, noIo)
    const names = (result.shared?.['names'] ?? []) as string[]
    // A bundle's top-level `var __isogatePlugin` is a global that cannot be deleted.
    expect(names.filter((name) => !STANDARD_GLOBALS.has(name)).sort()).toEqual([
      '__isogate',
      '__isogatePlugin',
    ])
    expect(names).not.toContain('WebAssembly')
  })

  it('measures cold start, idle RSS and a crossing with the real prelude', async () => {
    const handler = `export default { priority: 1, version: '1.0.0', access(kong, conf) {
      kong.service.request.setHeader('x-greeting', conf.greeting)
    } }`
    const { isolate: first } = await realIsolate({ timed: handler })
    const times = { without: [] as number[], with: [] as number[] }
    const before = process.memoryUsage().rss
    for (let round = 0; round < 10; round++) {
      for (const mode of ['without', 'with'] as const) {
        const { isolate } = await realIsolate({ timed: handler }, { codeCache: mode === 'with' })
        times[mode].push(isolate.startMs)
      }
    }
    const perIsolate = (process.memoryUsage().rss - before) / 20
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!
    console.log(
      `real prelude (${(preludeSource().length / 1024).toFixed(0)} KB): cold start median ` +
        `${median(times.without).toFixed(2)} ms without code cache, ${median(times.with).toFixed(2)} ms with; ` +
        `idle isolate ~${(perIsolate / 2 ** 20).toFixed(2)} MB RSS`,
    )
    for (let i = 0; i < 2000; i++) first.dispatch(call(['timed'], `w${i}`), 10_000)
    const rounds = 5000
    const started = process.hrtime.bigint()
    for (let i = 0; i < rounds; i++) first.dispatch(call(['timed'], `h${i}`), 10_000)
    console.log(
      `real prelude: one access crossing with full state, hot: ${(Number(process.hrtime.bigint() - started) / rounds / 1000).toFixed(2)} µs`,
    )
    expect(times.with).toHaveLength(10)
  })
})
