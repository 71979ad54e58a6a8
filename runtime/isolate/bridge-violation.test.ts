import { afterEach, describe, expect, it } from 'vitest'
import type { PhaseResult } from '../protocol.ts'
import { FAKE_PRELUDE, fakeIsolate, INIT, phaseCall } from './fake-prelude.fixture.ts'
import {
  type BridgeRule,
  createPluginIsolate,
  isBridgeViolation,
  isIsolateError,
  type PluginIsolate,
  runPhase,
} from './index.ts'
import { parseResult } from './validate-result.ts'

const open: PluginIsolate[] = []
afterEach(() => {
  for (const created of open.splice(0)) created.dispose()
})

/** The rule a crossing broke, after checking the violation disposed the isolate. */
async function ruleOf(handler: string, memoryMb = 32): Promise<BridgeRule> {
  const plugin = await fakeIsolate(handler, { memoryMb })
  open.push(plugin)
  try {
    plugin.dispatch(phaseCall(), 2000)
  } catch (error) {
    expect(plugin.disposed).toBe(true)
    if (isBridgeViolation(error)) return error.rule
    throw error
  }
  throw new Error('the answer was accepted')
}

/** A handler answering `{ seq, outcomes: [], mutations: [], ...extra }` with `extra` as JS source. */
const answering = (extra: string): string =>
  `{ access(m) { return JSON.stringify({ seq: m.seq, outcomes: [], mutations: [], ...(${extra}) }); } }`

describe('answers the host refuses', () => {
  const cases: [string, string, BridgeRule][] = [
    ['not JSON', `{ access() { return 'not json {'; } }`, 'json'],
    ['JSON that is not an object', `{ access() { return '[1, 2]'; } }`, 'shape'],
    ['a seq that does not echo the call', answering('{ seq: 999 }'), 'seq'],
    ['a seq of the wrong type', answering('{ seq: "1" }'), 'seq'],
    ['outcomes that are not a list', answering('{ outcomes: {} }'), 'shape'],
    ['mutations missing', `{ access(m) { return JSON.stringify({ seq: m.seq, outcomes: [] }); } }`, 'shape'],
    [
      'an exit with status 600',
      answering(`{ exit: { status: 600, body: null, base64: false, headers: null } }`),
      'status',
    ],
    [
      'an exit with status 103 and a body',
      answering(`{ exit: { status: 103, body: 'early', base64: false, headers: null } }`),
      'status',
    ],
    [
      'a framing header in an exit',
      answering(`{ exit: { status: 200, body: null, base64: false, headers: { Upgrade: 'h2c' } } }`),
      'header_name',
    ],
    [
      'a value the prelude refused by length',
      answering(`{ quota: { rule: 'body_size', where: 'the body', length: 419430400, max: 12582912 } }`),
      'body_size',
    ],
    [
      'a quota naming a rule that is no quota',
      answering(`{ quota: { rule: 'seq', where: 'x', length: 1, max: 0 } }`),
      'shape',
    ],
    [
      'an exit body that is not base64',
      answering(`{ exit: { status: 200, body: 'a*b', base64: true, headers: null } }`),
      'base64',
    ],
    [
      '10 000 mutations',
      answering(
        `{ mutations: Array.from({ length: 10000 }, () => ({ op: 'response.setStatus', status: 200 })) }`,
      ),
      'mutation_count',
    ],
    [
      '2000 log lines',
      answering(
        `{ outcomes: [{ plugin: 'p', config: 'c1', status: 'ok', logs: Array.from({ length: 2000 }, () => ({ level: 'info', message: 'x' })) }] }`,
      ),
      'log_count',
    ],
    [
      'a 1 MB log line',
      answering(
        `{ outcomes: [{ plugin: 'p', config: 'c1', status: 'ok', logs: [{ level: 'err', message: 'x'.repeat(2 ** 20) }] }] }`,
      ),
      'log_size',
    ],
    ['a fault', answering(`{ fault: 'no state for request r1' }`), 'fault'],
    ['io without pending', answering(`{ io: [] }`), 'io'],
    ['io with an unknown op', answering(`{ pending: 1, io: [{ id: 1, op: 'fs.read', args: [] }] }`), 'io'],
    [
      'io with a repeated id',
      answering(`{ pending: 1, io: [{ id: 1, op: 'db', args: [] }, { id: 1, op: 'db', args: [] }] }`),
      'io',
    ],
  ]
  for (const [name, handler, rule] of cases) {
    it(`refuses ${name} (${rule})`, async () => {
      expect(await ruleOf(handler, name.includes('MB') ? 96 : 32)).toBe(rule)
    })
  }

  it('leaves each operation to the host, which checks it as it applies it (host/chain/apply-mutations.ts)', async () => {
    const ops = [
      { op: 'service.request.setHeader', name: 'x-a', value: 'ok\r\nx-evil: 1' },
      { op: 'response.setStatus', status: 99 },
      { op: 'process.exit' },
    ]
    const plugin = await fakeIsolate(answering(`{ mutations: ${JSON.stringify(ops)} }`))
    open.push(plugin)
    expect(plugin.dispatch(phaseCall(), 2000).mutations).toEqual(ops)
    expect(plugin.disposed).toBe(false)
  })

  it('refuses a 50 MB answer inside the isolate, before anything is copied out', async () => {
    const rss = process.memoryUsage().rss
    expect(await ruleOf(`{ access() { return 'x'.repeat(50 * 2 ** 20); } }`, 128)).toBe('result_size')
    console.log(
      `50 MB answer refused; host RSS grew ${Math.round((process.memoryUsage().rss - rss) / 2 ** 20)} MB`,
    )
  })

  it('refuses an outcome naming a plugin instance the call did not run', async () => {
    const plugin = await fakeIsolate(
      answering(`{ outcomes: [{ plugin: 'other', config: 'c1', status: 'ok' }] }`),
    )
    open.push(plugin)
    const error = await runPhase(plugin, phaseCall(), { cpuMs: 100, wallMs: 1000 }, async () => null).catch(
      (caught: unknown) => caught,
    )
    expect(isBridgeViolation(error) && error.rule).toBe('outcome')
    expect(plugin.disposed).toBe(true)
  })
})

describe('preludes that break the contract', () => {
  /** A prelude whose dispatch answers init properly and runs `call` for everything else. */
  const prelude = (call: string): string => `globalThis.__isogate = {
    adopt() {}, meta() { return 'not json'; },
    dispatch(json) {
      const m = JSON.parse(json);
      if (m.kind === 'init') return JSON.stringify({ seq: m.seq, outcomes: [], mutations: [] });
      return (${call})(m);
    },
  };`
  async function broken(call: string): Promise<PluginIsolate> {
    const plugin = await createPluginIsolate({
      memoryMb: 32,
      prelude: prelude(call),
      plugins: [],
      init: INIT,
    })
    open.push(plugin)
    return plugin
  }
  function violation(run: () => unknown): BridgeRule {
    try {
      run()
    } catch (error) {
      if (isBridgeViolation(error)) return error.rule
      throw error
    }
    throw new Error('accepted')
  }

  it('refuses answers that are not strings, without copying them', async () => {
    const objectAnswer = await broken('() => ({ get seq() { while (true) {} } })')
    expect(violation(() => objectAnswer.dispatch(phaseCall(), 10_000))).toBe('result_type')
    expect(objectAnswer.disposed).toBe(true)
    const numberAnswer = await broken('() => 42')
    expect(violation(() => numberAnswer.dispatch(phaseCall(), 10_000))).toBe('result_type')
  })

  it('refuses a dispatch that throws, even a hostile value', async () => {
    const throwing = await broken(
      `() => { throw { get message() { throw new Error('again'); }, get stack() { throw 1; } }; }`,
    )
    expect(violation(() => throwing.dispatch(phaseCall(), 10_000))).toBe('dispatch_threw')
  })

  it('refuses metadata that is not JSON', async () => {
    const plugin = await broken('() => ""')
    expect(violation(() => plugin.meta('p'))).toBe('json')
  })

  it('fails to start without __isogate, and disposes what it built', async () => {
    const error = await createPluginIsolate({ memoryMb: 32, prelude: '1', plugins: [], init: INIT }).catch(
      (caught: unknown) => caught,
    )
    expect(isIsolateError(error) && error.code).toBe('exception')
    expect((error as Error).message).toMatch(/did not define globalThis.__isogate/)
  })

  it('runs the fences it captured even after a bundle replaces __isogate', async () => {
    const plugin = await createPluginIsolate({
      memoryMb: 32,
      prelude: FAKE_PRELUDE,
      plugins: [
        {
          name: 'p',
          code: `globalThis.__isogatePlugin = { handler: { access() { return { shared: { real: true } }; } } };`,
        },
        {
          name: 'q',
          code: `globalThis.__isogate = { adopt() {}, dispatch() { return 'hijacked'; } }; globalThis.__isogatePlugin = { handler: {} };`,
        },
      ],
      init: INIT,
    })
    open.push(plugin)
    expect(plugin.dispatch(phaseCall(), 100).shared).toEqual({ real: true })
  })
})

describe('parseResult', () => {
  it('accepts a full, well-formed answer', () => {
    const answer: PhaseResult = {
      seq: 3,
      outcomes: [
        { plugin: 'p', config: 'c', status: 'exit', logs: [{ level: 'notice', message: 'hi' }] },
        { plugin: 'q', config: 'd', status: 'error', error: { message: 'boom', stack: null } },
      ],
      mutations: [
        { op: 'service.request.setHeader', name: 'X-Trace', value: ['a', 'b\tc é'] },
        { op: 'service.request.setHeaders', headers: { accept: '*/*' } },
        { op: 'service.request.setPath', path: '/v2/movies/😀' },
        { op: 'service.request.setRawQuery', query: 'a=1&b=%20' },
        { op: 'service.request.setMethod', method: 'PATCH' },
        { op: 'service.request.setScheme', scheme: 'https' },
        { op: 'service.request.setRawBody', body: 'aGk=', base64: true },
        { op: 'service.setTarget', host: '[::1]', port: 8080 },
        { op: 'service.setRetries', retries: 5 },
        { op: 'service.setTimeouts', connect: 1, write: 2, read: 3 },
        { op: 'response.setStatus', status: 418 },
        { op: 'response.clearHeader', name: 'server' },
        { op: 'response.setRawBody', body: '{}', base64: false },
        { op: 'client.authenticate', consumer: { id: 'c' }, credential: null },
      ],
      exit: {
        status: 401,
        body: '{"message":"no"}',
        base64: false,
        headers: { 'www-authenticate': 'Basic' },
      },
      shared: { a: [1, { b: null }] },
      chunk: '',
    }
    expect(parseResult(JSON.stringify(answer), 3)).toEqual(answer)
    const pending = {
      seq: 4,
      pending: 2,
      io: [{ id: 7, op: 'db', args: ['x'] }],
      outcomes: [],
      mutations: [],
    }
    expect(parseResult(JSON.stringify(pending), 4)).toEqual(pending)
  })
})
