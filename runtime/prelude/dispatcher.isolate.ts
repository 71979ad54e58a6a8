/**
 * `__isogate.dispatch`: one host message in, one PhaseResult out, both JSON. Runs the listed
 * handlers in order; a handler's promise leaves the call pending until a `resume` finds it
 * settled. Nothing thrown by plugin code, and no malformed message, escapes as an exception.
 */
import {
  type ApiRequest,
  BASE_SEPARATOR,
  type CallPhase,
  type IoResult,
  type RequestState,
} from '../protocol.ts'
import { baseState } from './base-state.isolate.ts'
import { l1Sync } from './cache-l1.isolate.ts'
import type { CallRecord, RunEntry } from './call.isolate.ts'
import { applyInit } from './env.isolate.ts'
import { forgetHeld, heldValue, keep } from './held.isolate.ts'
import {
  ArrayIsArray,
  JsonParse,
  MapCtor,
  MapSet,
  ObjectKeys,
  own,
  push,
  StringIndexOf,
  StringSlice,
} from './intrinsics.isolate.ts'
import { beginCrossing, endDispatch } from './late-answer.isolate.ts'
import { findPlugin, PHASE_METHODS, phaseSets } from './registry.isolate.ts'
import {
  applyDelta,
  findRequest,
  openRequest,
  type RequestRecord,
  routeAndService,
} from './request-record.isolate.ts'
import { advance, dropRequest, findCall, newCall, resumeCall } from './run-call.isolate.ts'
import { describe, writeJson } from './values.isolate.ts'

function fault(seq: number, message: string): string {
  return writeJson({ seq, outcomes: [], mutations: [], fault: message })
}

export function dispatch(json: unknown, late?: unknown): string {
  let seq = 0
  try {
    if (typeof json !== 'string') return fault(0, 'dispatch expects one JSON string')
    // A first call's base text follows its JSON (PhaseCall.base).
    const cut = StringIndexOf(json, BASE_SEPARATOR)
    const base = cut < 0 ? null : StringSlice(json, cut + 1)
    let message: unknown
    try {
      message = JsonParse(cut < 0 ? json : StringSlice(json, 0, cut))
    } catch {
      return fault(0, 'the message is not valid JSON')
    }
    if (message === null || typeof message !== 'object') return fault(0, 'the message is not an object')
    const given = own(message, 'seq')
    seq = typeof given === 'number' ? given : 0
    switch (own(message, 'kind')) {
      case 'init':
        applyInit(message as never)
        return writeJson({ seq, outcomes: [], mutations: [] })
      case 'configure':
        return configure(seq, message, late)
      case 'call':
        return call(seq, message, late, base)
      case 'resume':
        return resume(seq, message, late)
    }
    return fault(seq, 'unknown message kind')
  } catch (error) {
    return fault(seq, `the prelude failed: ${describe(error)}`)
  }
}

/** Runs the call in this crossing, with its answer replaceable while the crossing's microtasks run. */
function runCrossing(record: CallRecord, seq: number, late: unknown): string {
  beginCrossing(record, seq, late)
  const text = advance(record, seq)
  return endDispatch(text, !record.finished)
}

function configure(seq: number, message: object, late: unknown): string {
  const name = own(message, 'plugin')
  const plugin = typeof name === 'string' ? findPlugin(name) : undefined
  if (!plugin) return fault(seq, `configure: no plugin named ${describe(name)} in this isolate`)
  const given = own(message, 'configs')
  const configs = new MapCtor<string, unknown>()
  const list: unknown[] = []
  if (given !== null && typeof given === 'object') {
    const ids = ObjectKeys(given)
    for (let i = 0; i < ids.length; i++) {
      const config = own(given, ids[i]!)
      MapSet(configs, ids[i]!, config)
      push(list, config)
    }
  }
  plugin.configs = configs
  plugin.soleConfig = list.length === 1 ? ObjectKeys(given as object)[0]! : null
  const record = newCall('configure', null, [{ plugin: plugin.name, config: '' }], false)
  record.configureArgs = [list.length > 0 ? list : null]
  // Which request phases each configuration needs: once per configuration change, never per request.
  record.phaseSets = phaseSets(plugin)
  return runCrossing(record, seq, late)
}

/**
 * The call's run list: sent in full (kept under its `plan` id when it has one), or, without
 * `run`, the one kept under `plan`. Null when malformed or never sent.
 */
function runOf(message: object): RunEntry[] | null {
  const plan = own(message, 'plan')
  const given = own(message, 'run')
  if (given === undefined && typeof plan === 'number') {
    const kept = heldValue(`plan:${plan}`)
    return ArrayIsArray(kept) ? (kept as RunEntry[]) : null
  }
  const run = runList(given)
  if (run !== null && typeof plan === 'number') keep(`plan:${plan}`, run)
  return run
}

function runList(value: unknown): RunEntry[] | null {
  if (!ArrayIsArray(value)) return null
  const run: RunEntry[] = []
  for (let i = 0; i < value.length; i++) {
    const plugin = own(value[i], 'plugin')
    const config = own(value[i], 'config')
    if (typeof plugin !== 'string' || typeof config !== 'string') return null
    push(run, { plugin, config })
  }
  return run
}

function call(seq: number, message: object, late: unknown, base: string | null): string {
  // The host started over on what this isolate holds (a bound, or a failed call): before any ref.
  if (own(message, 'forget') === true) forgetHeld()
  const drop = own(message, 'drop')
  if (ArrayIsArray(drop))
    for (let i = 0; i < drop.length; i++) if (typeof drop[i] === 'string') dropRequest(drop[i])
  l1Sync(own(message, 'cacheDrop'), own(message, 'cacheGen'))
  const phase = own(message, 'phase') as CallPhase
  let known = phase === 'admin'
  for (let i = 0; i < PHASE_METHODS.length; i++) known = known || PHASE_METHODS[i] === phase
  if (!known || phase === 'configure') return fault(seq, `call: unknown phase ${describe(phase)}`)
  const rid = own(message, 'rid')
  const run = runOf(message)
  if (typeof rid !== 'string' || !run)
    return fault(
      seq,
      'call: `rid` must be a string and `run` a list of {plugin, config} (or `plan` one this isolate holds)',
    )
  let request: RequestRecord | null = null
  const api = phase === 'admin' ? apiRequest(own(message, 'api')) : null
  if (phase === 'admin' && api === null) return fault(seq, 'call: an admin call needs `api` {route, method}')
  if (phase !== 'initWorker' && phase !== 'admin') {
    const state = own(message, 'state')
    const delta = own(message, 'delta')
    const refs = own(message, 'refs')
    if (own(message, 'base') === true) {
      const arrived = base === null ? null : baseState(base)
      if (arrived === null) return fault(seq, 'call: `base` without a valid base text after the message')
      request = openRequest(rid, arrived)
      // The delta brings the route and service the base text leaves out, unless they are refs.
      if (delta !== null && typeof delta === 'object') applyDelta(request, delta as Partial<RequestState>)
      if (!routeAndService(request.state, refs))
        return fault(seq, 'call: `refs` names a route or service this isolate does not hold')
    } else {
      if (state !== null && typeof state === 'object') {
        if (!routeAndService(state as RequestState, refs))
          return fault(seq, 'call: `refs` names a route or service this isolate does not hold')
        request = openRequest(rid, state as RequestState)
      } else request = findRequest(rid) ?? null
      if (!request)
        return fault(
          seq,
          `call: no state for request ${rid} (its first call in an isolate carries \`state\`)`,
        )
      if (delta !== null && typeof delta === 'object') applyDelta(request, delta as Partial<RequestState>)
    }
  }
  const record = newCall(phase, request, run, own(message, 'last') === true)
  record.api = api
  const chunk = own(message, 'chunk')
  if (chunk !== null && typeof chunk === 'object') {
    const data = own(chunk, 'data')
    record.chunk = {
      input: typeof data === 'string' ? data : '',
      eof: own(chunk, 'eof') === true,
      bytes: null,
      changed: false,
    }
  }
  return runCrossing(record, seq, late)
}

function apiRequest(value: unknown): ApiRequest | null {
  const route = own(value as object, 'route')
  const method = own(value as object, 'method')
  if (typeof route !== 'string' || typeof method !== 'string') return null
  const params = own(value as object, 'params')
  const query = own(value as object, 'query')
  return {
    route,
    method,
    params: (params !== null && typeof params === 'object' ? params : {}) as ApiRequest['params'],
    query: (query !== null && typeof query === 'object' ? query : {}) as ApiRequest['query'],
    body: own(value as object, 'body') ?? null,
  }
}

function resume(seq: number, message: object, late: unknown): string {
  const id = own(message, 'pending')
  const record = typeof id === 'number' ? findCall(id) : undefined
  if (!record) return fault(seq, `resume: no pending call ${describe(id)}`)
  const io = own(message, 'io')
  beginCrossing(record, seq, late)
  const text = resumeCall(record, ArrayIsArray(io) ? (io as IoResult[]) : [], seq)
  return endDispatch(text, !record.finished)
}
