/**
 * api.ts handlers (`admin` calls): the function the plugin's api.ts maps the route and method
 * to, and its answer turned into the call's exit. A handler returns `{ status, body }`; the body
 * goes back as JSON text.
 */
import type { ApiRequest, PhaseResult } from '../protocol.ts'
import { PdkError } from './errors.isolate.ts'
import { NumberIsInteger, own, record } from './intrinsics.isolate.ts'
import { CAPS } from './quota.isolate.ts'
import type { PluginEntry } from './registry.isolate.ts'
import { toPlain, writeJson } from './values.isolate.ts'

function read(target: unknown, key: string): unknown {
  if (target === null || (typeof target !== 'object' && typeof target !== 'function')) return undefined
  try {
    return (target as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}

/** The handler function, or a PdkError naming what is missing. */
export function apiHandler(
  plugin: PluginEntry,
  api: ApiRequest | null,
): ((...args: unknown[]) => unknown) | PdkError {
  const route = api ? read(read(plugin.api, api.route), api.method) : undefined
  if (typeof route === 'function') return route as (...args: unknown[]) => unknown
  return new PdkError(`api.ts of ${plugin.name} has no ${api?.method ?? '?'} ${api?.route ?? '?'}`)
}

/** The request as the handler sees it: plain copies it may keep and change. */
export function apiArgument(api: ApiRequest): object {
  const copy = toPlain({ params: api.params, query: api.query, body: api.body }, 'api', true)
  const out = record<unknown>()
  out.params = own(copy as object, 'params') ?? {}
  out.query = own(copy as object, 'query') ?? {}
  out.body = own(copy as object, 'body') ?? null
  out.method = api.method
  return out
}

/** `{ status, body }` → the exit the host answers with; anything else is the handler's error. */
export function apiAnswer(value: unknown): NonNullable<PhaseResult['exit']> | PdkError {
  // Past the body cap the call's answer is a quota (503), as for an oversized exit on the proxy.
  const plain = toPlain(value, 'api.ts handler', false, 'its answer', CAPS.bodyChars, {
    rule: 'body_size',
    where: 'its answer',
  })
  const status = own(plain as object, 'status') ?? 200
  if (plain === null || typeof plain !== 'object' || typeof status !== 'number' || !NumberIsInteger(status)) {
    return new PdkError('api.ts handlers return { status, body } (status an integer)')
  }
  if (status < 200 || status > 599)
    return new PdkError('api.ts handlers answer with a status from 200 to 599')
  const body = own(plain as object, 'body')
  return {
    status,
    body: body === undefined ? null : writeJson(body as never),
    base64: false,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  }
}
