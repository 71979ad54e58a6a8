import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PhaseResult } from '../protocol.ts'
import type { TestIsolate } from './index.ts'
import {
  bundles,
  isolateWith,
  PROBE_HANDLER,
  phaseCall,
  probe,
  probeIsolate,
  requestState,
  resumeUntilDone,
} from './prelude-fixture.ts'

let probeBundle: { name: string; code: string }[]
let isolate: TestIsolate
beforeAll(async () => {
  probeBundle = await bundles({ probe: PROBE_HANDLER })
})
afterEach(() => isolate?.dispose())

const CONSUMERS = {
  name: 'consumers',
  plugin: null,
  unique: ['username'],
  foreign: [],
  cacheKey: null,
  workspaceable: true,
}

/** `isolate` after an init that offers kong.db.consumers (the fixture's init offers no entities). */
function withConsumers(isolate: TestIsolate): TestIsolate {
  const init = isolate.dispatch({
    kind: 'init',
    seq: 0,
    node: { id: 'node-1', hostname: 'test-host', version: '0.1.0' },
    workspace: { id: 'ws-1', name: 'default' },
    trustedIps: [],
    entities: [CONSUMERS],
  })
  expect(init.fault).toBeUndefined()
  return isolate
}

describe('PDK objects built once per isolate', () => {
  it('shares frozen methods across handler calls; a call gets only small objects', () => {
    isolate = withConsumers(probeIsolate(probeBundle))
    const tamper = probe(
      isolate,
      'access',
      `'use strict'
       globalThis.first = { kong, getHeader: kong.request.getHeader, err: kong.log.err,
         select: kong.db.consumers.select, setTarget: kong.service.setTarget }
       const refused = []
       for (const attempt of [
         () => { Object.getPrototypeOf(kong.request).getHeader = () => 'swapped' },
         () => { kong.request.getHeader = () => 'swapped' },
         () => { kong.request = {} },
         () => { Object.getPrototypeOf(kong.db.consumers).select = () => 'swapped' },
         () => { kong.db.consumers = {} },
         () => { kong.log.err = () => 'swapped' },
       ]) { try { attempt(); refused.push('done') } catch (e) { refused.push(e.name) } }
       // Its own call's object is its own to redefine (no other call, plugin or the prelude uses it).
       Object.defineProperty(kong.request, 'getHeader', { value: () => 'swapped' })
       return [refused, kong.request.getHeader('host')]`,
    )
    expect(tamper.value).toEqual([Array(6).fill('TypeError'), 'swapped'])
    const run = probe(
      isolate,
      'access',
      `const first = globalThis.first
       const modules = ['request', 'response', 'service', 'client', 'router', 'ctx', 'node', 'ip', 'crypto', 'cache']
       return {
         sameMethods: kong.request.getHeader === first.getHeader && kong.log.err === first.err &&
           kong.db.consumers.select === first.select && kong.service.setTarget === first.setTarget,
         newObjects: kong !== first.kong && kong.request !== first.kong.request && kong.db.consumers !== first.kong.db.consumers,
         oneModulePerCall: kong.request === kong.request && kong.db.consumers === kong.db.consumers && kong.log === kong.log,
         ownProperties: modules.map((name) => Object.getOwnPropertyNames(kong[name]).length).reduce((a, b) => a + b, 0) +
           Object.getOwnPropertyNames(kong.db.consumers).length + Object.getOwnPropertyNames(kong).length,
         frozen: [kong.db, kong.log, ...[kong, kong.db.consumers, ...modules.map((name) => kong[name])].map(Object.getPrototypeOf)]
           .every(Object.isFrozen),
         entities: Object.keys(kong.db),
         cacheKey: kong.db.consumers.cacheKey('bob'),
         header: kong.request.getHeader('host'),
       }`,
      { call: { rid: 'r2' } },
    )
    expect(run.result.outcomes).toEqual([])
    expect(run.value).toEqual({
      sameMethods: true,
      newObjects: true,
      oneModulePerCall: true,
      ownProperties: 0,
      frozen: true,
      entities: ['consumers'],
      cacheKey: 'consumers:bob:::::ws-1',
      header: 'example.com',
    })
  })

  it('refuses a method called detached from its object with a PDK error naming it', () => {
    isolate = withConsumers(probeIsolate(probeBundle))
    const run = probe(
      isolate,
      'access',
      `const tries = [
         () => { const { getHeader } = kong.request; return getHeader('host') },
         () => { const { exit } = kong.response; return exit(200) },
         () => { const err = kong.log.err; return err('x') },
         () => { const on = kong.log.inspect.on; return on() },
         () => { const { select } = kong.db.consumers; return select('x') },
         () => { const { setTarget } = kong.service; return setTarget('example.com', 80) },
         () => kong.request.getHeader.call(Object.create(kong.request), 'host'),
         () => kong.client.getIp.call(new Proxy(kong.client, {})),
       ]
       const out = []
       for (const attempt of tries) {
         try { attempt(); out.push('ran') } catch (e) { out.push(e.name + ' ' + e.message.split(':')[0]) }
       }
       out.push(kong.request.getHeader('host'))
       out.push(kong.request.getHeader.bind(kong.request)('host'))
       return out`,
    )
    expect(run.value).toEqual([
      'PDKError kong.request.getHeader',
      'PDKError kong.response.exit',
      'PDKError kong.log.err',
      'PDKError kong.log.inspect.on',
      'PDKError kong.db.consumers.select',
      'PDKError kong.service.setTarget',
      'PDKError kong.request.getHeader',
      'PDKError kong.client.getIp',
      'example.com',
      'example.com',
    ])
    expect(run.result.exit).toBeUndefined()
    const message = probe(isolate, 'access', 'const { getMethod } = kong.request; getMethod()').result
      .outcomes[0]?.error?.message
    expect(message).toBe(
      'kong.request.getMethod: call it on its PDK object (kong.request.getMethod(...)); a function taken off it (const { f } = kong.x) has no handler call to act for',
    )
  })

  it('refuses a kong.db entity or log kept from an earlier call', () => {
    isolate = withConsumers(probeIsolate(probeBundle))
    probe(isolate, 'access', 'globalThis.kept = { users: kong.db.consumers, log: kong.log }')
    const run = probe(
      isolate,
      'access',
      `const out = []
       for (const attempt of [() => globalThis.kept.users.select('x'), () => globalThis.kept.log.err('x'), () => globalThis.kept.log('x')]) {
         try { attempt(); out.push('ran') } catch (e) { out.push(e.message) }
       }
       return out`,
      { call: { rid: 'r2' } },
    )
    const stale =
      'this kong object belongs to a handler call that has ended (an earlier phase or request); use the kong object passed to the running handler'
    expect(run.value).toEqual([
      `kong.db.consumers.select: ${stale}`,
      `kong.log.err: ${stale}`,
      `kong.log: ${stale}`,
    ])
    expect(run.io).toEqual([])
    expect(run.result.outcomes).toEqual([])
  })
})

describe('kong.client.authenticate', () => {
  it('keeps the plugin objects for local reads and sends the host a snapshot taken when called', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      `const consumer = { id: 'c1', username: 'bob', tags: ['a'] }
       const credential = { id: 'k1' }
       kong.client.authenticate(consumer, credential)
       const same = kong.client.getConsumer() === consumer && kong.client.getCredential() === credential
       consumer.username = 'mallory'
       consumer.tags.push('b')
       credential.id = { get x() { throw new Error('late getter') } }
       return [same, kong.client.getConsumer().username]`,
    )
    expect(run.value).toEqual([true, 'mallory'])
    expect(run.result.mutations).toEqual([
      {
        op: 'client.authenticate',
        consumer: { id: 'c1', username: 'bob', tags: ['a'] },
        credential: { id: 'k1' },
      },
    ])
  })
})

/** Answers every pending host I/O request of `result` with `value`, then resumes until the call ends. */
function resume(isolate: TestIsolate, result: PhaseResult, value: unknown): PhaseResult {
  const answered = isolate.dispatch({
    kind: 'resume',
    seq: 1,
    pending: result.pending!,
    io: (result.io ?? []).map((io) => ({ id: io.id, ok: true as const, value })),
  })
  return resumeUntilDone(isolate, answered)
}

describe('interleaved requests in one isolate', () => {
  it('keep their own request, ctx and mutations while another runs the same handler', async () => {
    isolate = withConsumers(
      await isolateWith({
        a: `export default { priority: 1, version: '1', async access(kong) {
          const request = kong.request
          const who = request.getHeader('x-who')
          kong.ctx.plugin.who = who
          kong.ctx.shared.who = who
          // A misses kong.cache, B reads kong.db: both park on host I/O.
          const got = who === 'A' ? await kong.cache.get('k-' + who) : await kong.db.consumers.selectByUsername(who)
          kong.service.request.setHeader('x-seen', [request.getHeader('x-who'), kong.ctx.plugin.who, kong.ctx.shared.who, JSON.stringify(got)].join('|'))
          kong.log.notice('done ', who)
        } }\n`,
      }),
    )
    const call = (who: string) =>
      isolate.dispatch(
        phaseCall('access', ['a'], {
          rid: `r${who}`,
          state: requestState({ headers: { host: 'example.com', 'x-who': who } }),
        }),
      )
    const a = call('A')
    const b = call('B')
    expect(a.pending).toBeDefined()
    expect(b.pending).toBeDefined()
    expect(a.io?.map((io) => io.op)).toEqual(['cache.get'])
    expect(b.io?.map((io) => io.op)).toEqual(['db'])
    // B finishes first, then A: each answer carries only its own request's work.
    const doneB = resume(isolate, b, { username: 'B' })
    const doneA = resume(isolate, a, { hit: true, value: 'cached-A', gen: 0 })
    expect(doneB.mutations).toEqual([
      { op: 'service.request.setHeader', name: 'x-seen', value: 'B|B|B|{"username":"B"}' },
    ])
    expect(doneB.shared).toEqual({ who: 'B' })
    expect(doneB.outcomes).toEqual([
      { plugin: 'a', config: 'c-a', status: 'ok', logs: [{ level: 'notice', message: 'done B' }] },
    ])
    expect(doneA.mutations).toEqual([
      { op: 'service.request.setHeader', name: 'x-seen', value: 'A|A|A|"cached-A"' },
    ])
    expect(doneA.shared).toEqual({ who: 'A' })
    expect(doneA.outcomes).toEqual([
      { plugin: 'a', config: 'c-a', status: 'ok', logs: [{ level: 'notice', message: 'done A' }] },
    ])
  })
})
