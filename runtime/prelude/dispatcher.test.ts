import { afterEach, describe, expect, it } from 'vitest'
import type { TestIsolate } from './index.ts'
import { isolateWith, phaseCall, requestState, resumeUntilDone } from './prelude-fixture.ts'

let isolate: TestIsolate
afterEach(() => isolate?.dispose())

const plugin = (body: string, priority = 1000) =>
  `export default { priority: ${priority}, version: '1.2.3', ${body} }\n`

describe('adopt and meta', () => {
  it('holds two plugins in one isolate, each with its own metadata and phases', async () => {
    isolate = await isolateWith({
      first: plugin('access(kong) { kong.service.request.setHeader("x-first", "1") }, log() {}', 10),
      second: plugin('async headerFilter(kong) { kong.response.setHeader("x-second", "2") }', 20),
    })
    expect(isolate.meta('first')).toEqual({
      priority: 10,
      version: '1.2.3',
      phases: ['access', 'log'],
      schema: {
        name: 'first',
        config: { type: 'object', properties: { greeting: { type: 'string', default: 'hi' } } },
      },
    })
    expect(isolate.meta('second').phases).toEqual(['headerFilter'])
    expect(isolate.run('typeof globalThis.__isogatePlugin')).toBe('undefined')
    expect(() => isolate.meta('third')).toThrow('no plugin named third')
    const result = isolate.dispatch(phaseCall('access', ['first']))
    expect(result.mutations).toEqual([{ op: 'service.request.setHeader', name: 'x-first', value: '1' }])
  })

  it('keeps __isogate out of reach of plugin code', async () => {
    isolate = await isolateWith({
      a: plugin(`access(kong) {
        try { globalThis.__isogate = null } catch {}
        try { __isogate.dispatch = () => 'hijacked' } catch {}
        try { delete globalThis.__isogate } catch {}
        kong.log.notice(typeof __isogate.dispatch)
      }`),
    })
    isolate.dispatch(phaseCall('access', ['a']))
    const second = isolate.dispatch(phaseCall('access', ['a']))
    expect(second.outcomes[0]).toMatchObject({
      status: 'ok',
      logs: [{ level: 'notice', message: 'function' }],
    })
  })
})

describe('what the isolate holds for the host (refs, plan, forget)', () => {
  const headers = (result: { mutations: unknown[] }) =>
    result.mutations.map((m) => (m as { value: string }).value)
  const probe = () =>
    isolateWith({
      probe: plugin(`access(kong) {
        kong.service.request.setHeader('x-route', kong.router.getRoute()?.name ?? 'none')
        kong.service.request.setHeader('x-service', kong.router.getService()?.name ?? 'none')
      }`),
    })

  it('takes a route and service named by id from those sent in full before', async () => {
    isolate = await probe()
    const base = requestState()
    const route = { ...(base.route as NonNullable<typeof base.route>), name: 'first-route' }
    const service = { ...(base.service as NonNullable<typeof base.service>), name: 'first-service' }
    const sent = isolate.dispatch(
      phaseCall('access', ['probe'], { rid: 'a', state: { ...base, route, service } }),
    )
    expect(headers(sent)).toEqual(['first-route', 'first-service'])
    const { route: _r, service: _s, ...bare } = base
    const held = isolate.dispatch(
      phaseCall('access', ['probe'], {
        rid: 'b',
        state: bare as typeof base,
        refs: { route: route.id, service: service.id },
      }),
    )
    expect(headers(held)).toEqual(['first-route', 'first-service'])
    // A route sent in full again (a new configuration) replaces the one held under its id.
    const other = { ...route, name: 'second-route' }
    const mixed = isolate.dispatch(
      phaseCall('access', ['probe'], {
        rid: 'c',
        state: { ...bare, route: other } as typeof base,
        refs: { service: service.id },
      }),
    )
    expect(headers(mixed)).toEqual(['second-route', 'first-service'])
    const again = isolate.dispatch(
      phaseCall('access', ['probe'], { rid: 'd', state: bare as typeof base, refs: { route: route.id } }),
    )
    expect(headers(again)).toEqual(['second-route', 'none'])
  })

  it('refuses a ref to what it does not hold, also after `forget`', async () => {
    isolate = await probe()
    const { route: _r, ...bare } = requestState()
    const state = bare as ReturnType<typeof requestState>
    const never = isolate.dispatch(phaseCall('access', ['probe'], { state, refs: { route: 'route-x' } }))
    expect(never.fault).toMatch(/does not hold/)
    const full = requestState()
    isolate.dispatch(phaseCall('access', ['probe'], { rid: 'a', state: full }))
    const id = (full.route as NonNullable<typeof full.route>).id
    expect(
      isolate.dispatch(phaseCall('access', ['probe'], { rid: 'b', state, refs: { route: id } })).fault,
    ).toBe(undefined)
    const forgotten = isolate.dispatch(
      phaseCall('access', ['probe'], { rid: 'c', state, refs: { route: id }, forget: true }),
    )
    expect(forgotten.fault).toMatch(/does not hold/)
  })

  it("runs the list of a plan it holds when the host sends only the plan's id", async () => {
    isolate = await isolateWith({
      a: plugin(`access(kong) { kong.service.request.setHeader('x-a', '1') }`),
      b: plugin(`access(kong) { kong.service.request.setHeader('x-b', '2') }`),
    })
    const listed = isolate.dispatch(phaseCall('access', ['a', 'b'], { rid: 'a', plan: 7 }))
    expect(headers(listed)).toEqual(['1', '2'])
    const { run: _run, ...byId } = phaseCall('access', [], { rid: 'b', plan: 7 })
    expect(headers(isolate.dispatch(byId))).toEqual(['1', '2'])
    const { run: _other, ...unknown } = phaseCall('access', [], { rid: 'c', plan: 8 })
    expect(isolate.dispatch(unknown).fault).toMatch(/`plan` one this isolate holds/)
    const { run: _gone, ...forgotten } = phaseCall('access', [], { rid: 'd', plan: 7, forget: true })
    expect(isolate.dispatch(forgotten).fault).toMatch(/`plan` one this isolate holds/)
  })
})

describe('configure', () => {
  it("lets a call name a plugin's only config ''; with several it must name one", async () => {
    isolate = await isolateWith(
      { a: plugin(`access(kong, conf) { kong.service.request.setHeader('x-greeting', conf.greeting) }`) },
      { configs: { a: { only: { greeting: 'hello' } } } },
    )
    const sole = isolate.dispatch(phaseCall('access', [], { run: [{ plugin: 'a', config: '' }] }))
    expect(sole.mutations).toEqual([{ op: 'service.request.setHeader', name: 'x-greeting', value: 'hello' }])
    isolate.dispatch({
      kind: 'configure',
      seq: 7,
      plugin: 'a',
      configs: { one: { greeting: 'hi' }, two: { greeting: 'bye' } },
    })
    const unnamed = isolate.dispatch(
      phaseCall('access', [], { rid: 'r2', run: [{ plugin: 'a', config: '' }] }),
    )
    expect(unnamed.outcomes[0]).toMatchObject({
      plugin: 'a',
      config: '',
      status: 'error',
      error: { message: 'plugin a has no single configuration' },
    })
    const named = isolate.dispatch(
      phaseCall('access', [], { rid: 'r3', run: [{ plugin: 'a', config: 'two' }] }),
    )
    expect(named.mutations).toEqual([{ op: 'service.request.setHeader', name: 'x-greeting', value: 'bye' }])
  })

  it('stores the configs and hands all of them to configure(kong, configs), or null', async () => {
    isolate = await isolateWith(
      {
        a: plugin(`configure(kong, configs) { globalThis.seen = configs },
          access(kong, conf) { kong.service.request.setHeader('x-greeting', conf.greeting) }`),
      },
      { configs: { a: { one: { greeting: 'hello' }, two: { greeting: 'bye' } } } },
    )
    expect(isolate.run('JSON.stringify(seen)')).toBe('[{"greeting":"hello"},{"greeting":"bye"}]')
    const result = isolate.dispatch(phaseCall('access', [], { run: [{ plugin: 'a', config: 'two' }] }))
    expect(result.mutations).toEqual([{ op: 'service.request.setHeader', name: 'x-greeting', value: 'bye' }])
    const none = isolate.dispatch({ kind: 'configure', seq: 5, plugin: 'a', configs: {} })
    // A configure that just returned has nothing to report.
    expect(none).toEqual({ seq: 5, outcomes: [], mutations: [] })
    expect(isolate.run('seen')).toBe(null)
    const missing = isolate.dispatch(phaseCall('access', [], { run: [{ plugin: 'a', config: 'two' }] }))
    expect(missing.outcomes[0]).toMatchObject({
      status: 'error',
      error: { message: 'plugin a has no configuration two' },
    })
  })

  it('may be async', async () => {
    isolate = await isolateWith({
      a: plugin('async configure(kong, configs) { await null; throw new Error("bad config") }'),
    })
    const first = isolate.dispatch({ kind: 'configure', seq: 7, plugin: 'a', configs: { x: {} } })
    expect(first).toMatchObject({ seq: 7, pending: expect.any(Number), outcomes: [], mutations: [] })
    const done = resumeUntilDone(isolate, first)
    expect(done.outcomes[0]).toMatchObject({ status: 'error', error: { message: 'bad config' } })
  })
})

describe('sync and async handlers', () => {
  it('answers a sync handler in one crossing and an async one after a resume', async () => {
    isolate = await isolateWith({
      sync: plugin('access(kong) { kong.response.setHeader("x-sync", "1") }', 20),
      async: plugin('async access(kong) { await null; kong.response.setHeader("x-async", "2") }', 10),
    })
    const sync = isolate.dispatch(phaseCall('access', ['sync']))
    expect(sync.pending).toBeUndefined()
    expect(sync.mutations).toEqual([{ op: 'response.setHeader', name: 'x-sync', value: '1' }])

    const first = isolate.dispatch(phaseCall('access', ['sync', 'async']))
    expect(first).toMatchObject({ pending: expect.any(Number), io: [], outcomes: [], mutations: [] })
    const done = isolate.dispatch({ kind: 'resume', seq: 99, pending: first.pending!, io: [] })
    expect(done.seq).toBe(99)
    expect(done.pending).toBeUndefined()
    // Both returned without logging: no outcome to report, the mutations show both ran.
    expect(done.outcomes).toEqual([])
    expect(done.mutations).toEqual([
      { op: 'response.setHeader', name: 'x-sync', value: '1' },
      { op: 'response.setHeader', name: 'x-async', value: '2' },
    ])
  })

  it('runs the rest of the chain after an async plugin, in order', async () => {
    isolate = await isolateWith({
      a: plugin('async access(kong) { await null; kong.ctx.shared.order = ["a"] }'),
      b: plugin('access(kong) { kong.ctx.shared.order.push("b") }'),
    })
    const done = resumeUntilDone(isolate, isolate.dispatch(phaseCall('access', ['a', 'b'])))
    expect(done.outcomes).toEqual([])
    expect(done.shared).toEqual({ order: ['a', 'b'] })
  })

  it('reports a promise that can never settle instead of hanging', async () => {
    isolate = await isolateWith({ a: plugin('access() { return new Promise(() => {}) }') })
    const first = isolate.dispatch(phaseCall('access', ['a']))
    const done = isolate.dispatch({ kind: 'resume', seq: 2, pending: first.pending!, io: [] })
    expect(done.outcomes[0]).toMatchObject({
      status: 'error',
      error: {
        message:
          'the handler returned a promise that never settles (it awaits something other than host I/O)',
      },
    })
  })

  it('batches I/O: pending with io, then resumed with the results', async () => {
    isolate = await isolateWith({
      a: plugin(`async access(kong) {
        const [body, consumer] = await Promise.all([
          kong.request.getRawBody(),
          kong.client.loadConsumer('5fa5a8a4-1e2b-4f51-9a60-4d1c5f0e4c3b'),
        ])
        kong.service.request.setHeader('x-body', body + ':' + consumer.username)
      }`),
    })
    const first = isolate.dispatch(phaseCall('access', ['a']))
    expect(first.io).toEqual([
      { id: expect.any(Number), plugin: 'a', op: 'request.getRawBody', args: [] },
      {
        id: expect.any(Number),
        plugin: 'a',
        op: 'db',
        args: ['consumers', 'select', { id: '5fa5a8a4-1e2b-4f51-9a60-4d1c5f0e4c3b' }],
      },
    ])
    const [body, db] = first.io!
    const second = isolate.dispatch({
      kind: 'resume',
      seq: 3,
      pending: first.pending!,
      io: [
        { id: body!.id, ok: true, value: 'hi' },
        { id: db!.id, ok: true, value: { id: '5fa5a8a4-1e2b-4f51-9a60-4d1c5f0e4c3b', username: 'bob' } },
      ],
    })
    expect(second).toMatchObject({ pending: first.pending, io: [] })
    const done = resumeUntilDone(isolate, second)
    expect(done.mutations).toEqual([{ op: 'service.request.setHeader', name: 'x-body', value: 'hi:bob' }])
  })

  it('answers an unknown pending id and malformed messages with a fault, never an exception', async () => {
    isolate = await isolateWith({ a: plugin('access() {}') })
    expect(isolate.dispatch({ kind: 'resume', seq: 4, pending: 12345, io: [] })).toEqual({
      seq: 4,
      outcomes: [],
      mutations: [],
      fault: 'resume: no pending call 12345',
    })
    expect(
      isolate.dispatch({
        kind: 'call',
        seq: 5,
        phase: 'access',
        rid: 'nope',
        run: [],
        last: false,
        budgetMs: 1,
      }),
    ).toMatchObject({
      fault: 'call: no state for request nope (its first call in an isolate carries `state`)',
    })
    expect(isolate.dispatch({ kind: 'nonsense' } as never).fault).toBe('unknown message kind')
    expect(isolate.run('__isogate.dispatch("{not json")')).toBe(
      '{"seq":0,"outcomes":[],"mutations":[],"fault":"the message is not valid JSON"}',
    )
    expect(isolate.run('__isogate.dispatch(42)')).toBe(
      '{"seq":0,"outcomes":[],"mutations":[],"fault":"dispatch expects one JSON string"}',
    )
  })
})

describe('kong-js-pdk style code', () => {
  it('awaits every PDK call, sync getters and setters included', async () => {
    isolate = await isolateWith(
      {
        jsStyle: plugin(`async access(kong) {
        const host = await kong.request.getHeader('host')
        await kong.service.request.setHeader('x-host', host)
        await kong.response.setHeader('x-version', await kong.version)
        const query = await kong.request.getQuery()
        if (query.deny !== undefined) return await kong.response.exit(403, 'denied')
      }`),
      },
      { init: { node: { id: 'n', hostname: 'h', version: '9.9.9' } } },
    )
    const allowed = resumeUntilDone(isolate, isolate.dispatch(phaseCall('access', ['jsStyle'])))
    expect(allowed.mutations).toEqual([
      { op: 'service.request.setHeader', name: 'x-host', value: 'example.com' },
      { op: 'response.setHeader', name: 'x-version', value: '9.9.9' },
    ])
    const denied = resumeUntilDone(
      isolate,
      isolate.dispatch(phaseCall('access', ['jsStyle'], { state: requestState({ rawQuery: 'deny' }) })),
    )
    expect(denied.exit).toEqual({ status: 403, body: 'denied', base64: false, headers: {} })
  })
})

describe('exit', () => {
  it('stops the handler at exit, skips the rest of the chain, and keeps the exit if caught', async () => {
    isolate = await isolateWith({
      auth: plugin(
        `access(kong) {
          try {
            kong.response.exit(401, { message: 'no token' }, { 'WWW-Authenticate': 'Key' })
          } catch (e) {
            globalThis.caught = e.name
          }
          kong.service.request.setHeader('x-after', 'ran')
        }`,
        20,
      ),
      later: plugin('access(kong) { kong.service.request.setHeader("x-later", "ran") }', 10),
    })
    const result = isolate.dispatch(phaseCall('access', ['auth', 'later']))
    expect(result.outcomes).toEqual([{ plugin: 'auth', config: 'c-auth', status: 'exit' }])
    expect(result.mutations).toEqual([])
    expect(result.exit).toEqual({
      status: 401,
      body: '{"message":"no token"}',
      base64: false,
      headers: { 'WWW-Authenticate': 'Key', 'Content-Type': 'application/json; charset=utf-8' },
    })
    expect(isolate.run('caught')).toBe('KongExit')
  })

  it('ends an async handler at exit even while it still awaits', async () => {
    isolate = await isolateWith({
      a: plugin(`async access(kong) {
        await null
        kong.response.exit(403, 'nope')
      }`),
    })
    const done = resumeUntilDone(isolate, isolate.dispatch(phaseCall('access', ['a'])))
    expect(done.outcomes).toEqual([{ plugin: 'a', config: 'c-a', status: 'exit' }])
    expect(done.exit).toEqual({ status: 403, body: 'nope', base64: false, headers: {} })
  })
})

describe('exceptions', () => {
  const throwers: [string, string, string | null][] = [
    ['an Error', 'throw new TypeError("boom")', 'boom'],
    ['null', 'throw null', 'null'],
    ['undefined', 'throw undefined', 'undefined'],
    ['a symbol', 'throw Symbol("sym")', 'Symbol(sym)'],
    ['a plain object', 'throw { code: 42 }', '{"code":42}'],
    [
      'an object with poisoned getters',
      `const e = new Error('x'); Object.defineProperty(e, 'stack', { get() { throw new Error('no') } });
       Object.defineProperty(e, 'message', { get() { throw new Error('no') } }); throw e`,
      null,
    ],
    ['a revoked proxy', 'const p = Proxy.revocable({}, {}); p.revoke(); throw p.proxy', null],
    [
      'a proxy whose traps throw',
      'throw new Proxy({}, { get() { throw 1 }, ownKeys() { throw 2 }, getPrototypeOf() { throw 3 } })',
      null,
    ],
  ]
  for (const [what, code, message] of throwers) {
    it(`turns ${what} into an error outcome`, async () => {
      isolate = await isolateWith({ a: plugin(`access() { ${code} }`) })
      const result = isolate.dispatch(phaseCall('access', ['a']))
      expect(result.outcomes).toHaveLength(1)
      expect(result.outcomes[0]!.status).toBe('error')
      expect(typeof result.outcomes[0]!.error!.message).toBe('string')
      if (message !== null) expect(result.outcomes[0]!.error!.message).toBe(message)
      expect(
        result.outcomes[0]!.error!.stack === null || typeof result.outcomes[0]!.error!.stack === 'string',
      ).toBe(true)
    })
  }

  it('keeps the stack of a thrown Error', async () => {
    isolate = await isolateWith({ a: plugin('access() { throw new Error("with stack") }') })
    const error = isolate.dispatch(phaseCall('access', ['a'])).outcomes[0]!.error!
    expect(error.stack).toContain('Error: with stack')
    expect(error.stack).toContain('plugin:a')
  })

  it('stops the chain on an error in access but not in log', async () => {
    isolate = await isolateWith({
      a: plugin('access() { throw new Error("a") }, log() { throw new Error("a") }', 20),
      b: plugin('access(kong) { kong.log.notice("b") }, log(kong) { kong.log.notice("b") }', 10),
    })
    expect(isolate.dispatch(phaseCall('access', ['a', 'b'])).outcomes.map((o) => o.status)).toEqual(['error'])
    expect(isolate.dispatch(phaseCall('log', ['a', 'b'])).outcomes.map((o) => o.status)).toEqual([
      'error',
      'ok',
    ])
  })

  it('turns a rejected async handler into an error outcome', async () => {
    isolate = await isolateWith({ a: plugin('async access() { await null; throw new RangeError("later") }') })
    const done = resumeUntilDone(isolate, isolate.dispatch(phaseCall('access', ['a'])))
    expect(done.outcomes[0]).toMatchObject({ status: 'error', error: { message: 'later' } })
  })
})

describe('per-request state', () => {
  it('keeps kong.ctx.plugin per request and plugin until the last call, then frees it', async () => {
    isolate = await isolateWith({
      a: plugin(`access(kong) { kong.ctx.plugin.seen = kong.request.getHeader('x-n') },
        log(kong) { kong.log.notice(String(kong.ctx.plugin.seen)) }`),
      b: plugin('log(kong) { kong.log.notice(String(kong.ctx.plugin.seen)) }'),
    })
    isolate.dispatch(
      phaseCall('access', ['a'], { rid: 'r1', state: requestState({ headers: { 'x-n': 'one' } }) }),
    )
    isolate.dispatch(
      phaseCall('access', ['a'], { rid: 'r2', state: requestState({ headers: { 'x-n': 'two' } }) }),
    )
    const log1 = isolate.dispatch(phaseCall('log', ['a', 'b'], { rid: 'r1', delta: {}, last: true }))
    expect(log1.outcomes.map((o) => o.logs?.[0]?.message)).toEqual(['one', 'undefined'])
    const log2 = isolate.dispatch(phaseCall('log', ['a'], { rid: 'r2', delta: {} }))
    expect(log2.outcomes[0]!.logs?.[0]?.message).toBe('two')
    expect(isolate.dispatch(phaseCall('log', ['a'], { rid: 'r1', delta: {} })).fault).toContain(
      'no state for request r1',
    )
    const dropped = isolate.dispatch(phaseCall('access', ['a'], { rid: 'r3', drop: ['r2'] }))
    expect(dropped.fault).toBeUndefined()
    expect(isolate.dispatch(phaseCall('log', ['a'], { rid: 'r2', delta: {} })).fault).toContain(
      'no state for request r2',
    )
  })

  it('carries kong.ctx.shared from the state and reports it only when it changed', async () => {
    isolate = await isolateWith({
      reader: plugin('access(kong) { kong.log.notice(kong.ctx.shared.user) }'),
      writer: plugin('access(kong) { kong.ctx.shared.user = "bob"; kong.ctx.shared.fn = () => 1 }'),
    })
    const read = isolate.dispatch(
      phaseCall('access', ['reader'], { state: requestState({ shared: { user: 'alice' } }) }),
    )
    expect(read.outcomes[0]!.logs).toEqual([{ level: 'notice', message: 'alice' }])
    expect(read.shared).toBeUndefined()
    const written = isolate.dispatch(phaseCall('access', ['writer'], { delta: { shared: { other: 1 } } }))
    expect(written.shared).toEqual({ other: 1, user: 'bob' })
    const after = isolate.dispatch(phaseCall('access', ['reader'], { delta: {} }))
    expect(after.outcomes[0]!.logs).toEqual([{ level: 'notice', message: 'bob' }])
    // What this isolate answered is what the host holds: not reported again.
    expect(after.shared).toBeUndefined()
  })

  it('serialises kong.ctx.shared once per call, and reports a change once', async () => {
    // A toJSON counts the copies the prelude makes of kong.ctx.shared.
    isolate = await isolateWith({
      counter: plugin(`access(kong) {
        globalThis.copies ??= 0
        kong.ctx.shared.probe ??= { toJSON() { globalThis.copies++; return globalThis.copies > 0 } }
        kong.log.notice(String(globalThis.copies))
      }`),
    })
    const first = isolate.dispatch(phaseCall('access', ['counter'], { state: requestState() }))
    expect(first.outcomes[0]!.logs).toEqual([{ level: 'notice', message: '0' }])
    expect(first.shared).toEqual({ probe: true })
    const second = isolate.dispatch(phaseCall('access', ['counter'], { delta: {} }))
    expect(second.outcomes[0]!.logs).toEqual([{ level: 'notice', message: '1' }])
    expect(second.shared).toBeUndefined()
    const third = isolate.dispatch(phaseCall('access', ['counter'], { delta: {} }))
    expect(third.outcomes[0]!.logs).toEqual([{ level: 'notice', message: '2' }])
  })

  it('makes a kong object kept from an earlier request throw instead of touching the current one', async () => {
    isolate = await isolateWith({
      a: plugin(`access(kong) {
        if (globalThis.kept) {
          try { globalThis.kept.service.request.setHeader('x-stale', '1') } catch (e) { kong.log.err(e.message) }
          try { globalThis.kept.request.getHeader('host') } catch (e) { kong.log.err(e.name) }
        }
        globalThis.kept = kong
      }`),
    })
    isolate.dispatch(phaseCall('access', ['a'], { rid: 'r1' }))
    const second = isolate.dispatch(phaseCall('access', ['a'], { rid: 'r2' }))
    expect(second.mutations).toEqual([])
    expect(second.outcomes[0]!.logs).toEqual([
      {
        level: 'err',
        message:
          'kong.service.request.setHeader: this kong object belongs to a handler call that has ended (an earlier phase or request); use the kong object passed to the running handler',
      },
      { level: 'err', message: 'PDKError' },
    ])
  })

  it('refuses PDK calls from background work left by a finished handler', async () => {
    isolate = await isolateWith({
      a: plugin(`access(kong) {
        Promise.resolve().then(() => {
          try { kong.response.setHeader('x-late', '1') } catch (e) { globalThis.late = e.message }
        })
      }`),
    })
    const result = isolate.dispatch(phaseCall('access', ['a']))
    expect(result.mutations).toEqual([])
    expect(isolate.run('late')).toContain('belongs to a handler call that has ended')
  })

  it('runs initWorker without any request', async () => {
    isolate = await isolateWith(
      {
        a: plugin(`initWorker(kong) {
        kong.log.notice(kong.node.getId(), ' ', kong.node.getHostname(), ' ', kong.ip.isTrusted('10.1.1.1'))
        kong.request.getHeader('x')
      }`),
      },
      { init: { trustedIps: ['10.0.0.0/8'] } },
    )
    const result = isolate.dispatch({
      kind: 'call',
      seq: 1,
      phase: 'initWorker',
      rid: '',
      run: [{ plugin: 'a', config: '' }],
      last: true,
      budgetMs: 100,
    })
    expect(result.outcomes[0]).toMatchObject({
      status: 'error',
      error: {
        message:
          'kong.request.getHeader: function cannot be called in initWorker phase (only in: rewrite, access, response, headerFilter, bodyFilter, log)',
      },
      logs: [{ level: 'notice', message: 'node-1 test-host true' }],
    })
  })
})
