import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestIsolate } from './index.ts'
import {
  bundles,
  isolateWith,
  PROBE_HANDLER,
  phaseCall,
  probe,
  probeIsolate,
  resumeUntilDone,
} from './prelude-fixture.ts'

let probeBundle: { name: string; code: string }[]
let isolate: TestIsolate
beforeAll(async () => {
  probeBundle = await bundles({ probe: PROBE_HANDLER })
})
afterEach(() => isolate?.dispose())

/** A function that breaks every built-in it can reach (run from a handler: the bundle's own set-up needs them). */
const VANDAL = `
function vandalize() {
JSON.stringify = () => 'x'
JSON.parse = () => ({ kind: 'init' })
Array.prototype.push = null
Array.prototype.join = null
Array.prototype.map = null
Array.isArray = () => false
Object.keys = () => []
Object.defineProperty = null
Object.freeze = (o) => o
Reflect.apply = null
Reflect.defineProperty = null
Function.prototype.call = null
Function.prototype.apply = null
Function.prototype.bind = null
String.prototype.slice = () => 'sliced'
String.prototype.indexOf = () => -1
String.prototype.toLowerCase = () => 'lower'
RegExp.prototype.exec = () => null
Map.prototype.get = () => undefined
Map.prototype.set = null
Set.prototype.has = () => true
Promise.prototype.then = function () { return this }
Object.prototype.toJSON = function () { return 'hijacked' }
Error.prepareStackTrace = () => { throw new Error('no stacks for you') }
Number.prototype.toString = () => 'NaN?'
Symbol.prototype.toString = () => 'sym'
Uint8Array.prototype.subarray = null
}
`

describe('a plugin that vandalizes the built-ins', () => {
  it('does not change what the dispatcher does', async () => {
    isolate = await isolateWith({
      vandal: `${VANDAL}
export default {
  priority: 1, version: '1.0.0',
  async access(kong, conf) {
    vandalize()
    kong.service.request.setHeader('X-Greeting', conf.greeting)
    kong.log.notice('header=', kong.request.getHeader('User-Agent'), ' n=', 5)
    kong.ctx.shared.list = [1, 2]
    const body = await kong.request.getBody()
    kong.response.exit(200, { echoed: body, path: kong.request.getPath() }, { 'X-Done': 'yes' })
  },
}
`,
    })
    const first = isolate.dispatch(
      phaseCall('access', ['vandal'], {
        state: {
          ...(await import('./prelude-fixture.ts')).requestState({
            headers: { 'user-agent': 'UA', 'content-type': 'application/json' },
            path: '/a/./b',
          }),
        },
      }),
    )
    expect(first.io).toEqual([
      { id: expect.any(Number), plugin: 'vandal', op: 'request.getRawBody', args: [] },
    ])
    const resumed = isolate.dispatch({
      kind: 'resume',
      seq: 2,
      pending: first.pending!,
      io: [{ id: first.io![0]!.id, ok: true, value: '{"a":[1,"two"]}' }],
    })
    const done = resumeUntilDone(isolate, resumed)
    expect(done.outcomes).toEqual([
      {
        plugin: 'vandal',
        config: 'c-vandal',
        status: 'exit',
        logs: [{ level: 'notice', message: 'header=UA n=5' }],
      },
    ])
    expect(done.mutations).toEqual([{ op: 'service.request.setHeader', name: 'X-Greeting', value: 'hi' }])
    expect(done.exit).toEqual({
      status: 200,
      body: '{"echoed":{"a":[1,"two"]},"path":"/a/b"}',
      base64: false,
      headers: { 'X-Done': 'yes', 'Content-Type': 'application/json; charset=utf-8' },
    })
    expect(done.shared).toEqual({ list: [1, 2] })
  })

  it('still reports errors with a message when stacks throw', async () => {
    isolate = await isolateWith({
      vandal: `${VANDAL}\nexport default { priority: 1, version: '1', access() { vandalize(); throw new Error('plain') } }\n`,
    })
    const result = isolate.dispatch(phaseCall('access', ['vandal']))
    expect(result.outcomes[0]).toMatchObject({ status: 'error', error: { message: 'plain', stack: null } })
  })

  it('cannot intercept values through setters on Object.prototype', async () => {
    isolate = await isolateWith({
      vandal: `
Object.defineProperty(Object.prototype, 'status', { set() { globalThis.stolen = true }, configurable: true })
Object.defineProperty(Object.prototype, 'op', { set() { globalThis.stolen = true }, configurable: true })
export default { priority: 1, version: '1', access(kong) { kong.response.setStatus(201); kong.response.exit(202) } }
`,
    })
    const result = isolate.dispatch(phaseCall('access', ['vandal']))
    expect(result.mutations).toEqual([{ op: 'response.setStatus', status: 201 }])
    expect(result.exit?.status).toBe(202)
    expect(isolate.run('globalThis.stolen')).toBeUndefined()
  })
})

describe('hostile argument values', () => {
  const cases: [string, string, string][] = [
    [
      'a proxy whose traps throw',
      'kong.response.exit(200, new Proxy({}, { ownKeys() { throw new Error("trap") } }))',
      'kong.response.exit: body encoding failed while flushing response: reading the value failed: Error: trap',
    ],
    [
      'a getter that throws',
      'kong.response.setHeaders({ get "X-A"() { throw new Error("getter") } })',
      'kong.response.setHeaders: reading X-A failed: Error: getter',
    ],
    [
      'a cyclic table',
      'const h = { a: "1" }; h.self = h; kong.service.request.setHeaders(h)',
      'kong.service.request.setHeaders: value contains a cycle',
    ],
    [
      'a BigInt',
      'kong.service.request.setBody({ n: 1n }, "application/json")',
      'kong.service.request.setBody: cannot serialize a BigInt',
    ],
    [
      'a BigInt header',
      'kong.response.setHeader("x", 1n)',
      'kong.response.setHeader: invalid header value for "x": got bigint, expected string, number or boolean',
    ],
    [
      'a symbol name',
      'kong.request.getHeader(Symbol("x"))',
      'kong.request.getHeader: header name must be a string',
    ],
    [
      'a nesting too deep',
      'let v = {}; for (let i = 0; i < 200; i++) v = { v }; kong.response.exit(200, v)',
      'kong.response.exit: body encoding failed while flushing response: value is nested deeper than 64 levels',
    ],
    ['a getter that exits', 'kong.response.exit(200, { get x() { kong.response.exit(500) } })', ''],
  ]
  for (const [what, code, message] of cases) {
    it(`gives a clean PDK error for ${what}`, () => {
      isolate = probeIsolate(probeBundle)
      const run = probe(isolate, 'access', code)
      if (message === '') {
        expect(run.result.outcomes[0]?.status).toBe('exit')
        expect(run.result.exit?.status).toBe(500)
      } else {
        expect(run.result.outcomes[0]).toMatchObject({ status: 'error', error: { message } })
      }
      expect(run.result.fault).toBeUndefined()
    })
  }

  it('copies SharedArrayBuffer and typed-array look-alikes safely', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `const fake = { length: 3, 0: 1, 1: 2, 2: 3 }
       Object.setPrototypeOf(fake, Uint8Array.prototype)
       kong.log.notice(new SharedArrayBuffer(8))
       kong.response.exit(200, fake)`,
    )
    expect(run.result.exit).toEqual({
      status: 200,
      body: '{"0":1,"1":2,"2":3,"length":3}',
      base64: false,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    })
    expect(run.result.outcomes[0]?.logs).toEqual([{ level: 'notice', message: '{}' }])
  })

  it('refuses to replace a module or method of the kong object', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `'use strict'
       const errors = []
       for (const attempt of [
         () => { kong.request = {} },
         () => { kong.response.exit = () => 'not exiting' },
         () => { kong.log.err = null },
       ]) { try { attempt() } catch (e) { errors.push(e.name) } }
       return errors`,
    )
    expect(run.value).toEqual(['TypeError', 'TypeError', 'TypeError'])
  })
})

describe('hostile handler results', () => {
  const results: [string, string, string, string | null][] = [
    ['a thenable that resolves', 'return { then(resolve) { resolve(1) } }', 'ok', null],
    [
      'a thenable whose then getter throws',
      'return { get then() { throw new Error("then") } }',
      'error',
      'then',
    ],
    [
      'a thenable that never calls back',
      'return { then() {} }',
      'error',
      'the handler returned a promise that never settles (it awaits something other than host I/O)',
    ],
    ['a thenable that rejects with null', 'return { then(_, reject) { reject(null) } }', 'error', 'null'],
    ['a function', 'return () => 1', 'ok', null],
  ]
  for (const [what, code, status, message] of results) {
    it(`handles ${what}`, async () => {
      isolate = await isolateWith({
        a: `export default { priority: 1, version: '1', access() { ${code} } }\n`,
      })
      const done = resumeUntilDone(isolate, isolate.dispatch(phaseCall('access', ['a'])))
      // A handler that returned silently reports nothing; anything else reports its outcome.
      expect(done.outcomes[0]?.status ?? 'ok').toBe(status)
      expect(done.outcomes.length).toBe(status === 'ok' ? 0 : 1)
      if (message !== null) expect(done.outcomes[0]?.error?.message).toBe(message)
    })
  }
})
