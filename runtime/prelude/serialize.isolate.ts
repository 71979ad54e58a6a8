/**
 * kong.log.serialize(): Kong's basic log serializer shape built from the request state, edited by
 * kong.log.setSerializeValue (dotted keys, modes set/add/replace; Authorization headers redacted).
 */
import type { RequestState } from '../protocol.ts'
import { misuse } from './errors.isolate.ts'
import { copyHeaders } from './headers.isolate.ts'
import { define, own, push, StringIndexOf, StringSlice } from './intrinsics.isolate.ts'
import type { RequestRecord, SerializeValue } from './request-record.isolate.ts'
import { decodeArgs } from './uri.isolate.ts'
import { cloneData, describe } from './values.isolate.ts'

const DEFAULTS: SerializeValue[] = [
  { key: 'request.headers.authorization', value: 'REDACTED', mode: 'replace' },
  { key: 'request.headers.proxy-authorization', value: 'REDACTED', mode: 'replace' },
]

interface LogInfo {
  requestSize?: number
  responseSize?: number
  latencies?: { kong: number; proxy: number; request: number }
}

function base(state: RequestState): Record<string, unknown> {
  const info = (own(state, 'logInfo') ?? {}) as LogInfo
  const uri = state.rawQuery === '' ? state.path : `${state.path}?${state.rawQuery}`
  const upstream = state.upstream
  const out: Record<string, unknown> = {
    request: {
      uri,
      url: `${state.scheme}://${state.host}:${state.port}${uri}`,
      querystring: decodeArgs(state.rawQuery, 100),
      method: state.method,
      headers: copyHeaders(state.headers, 1000),
      size: own(info, 'requestSize') ?? 0,
    },
    upstream_uri: upstream.rawQuery === '' ? upstream.path : `${upstream.path}?${upstream.rawQuery}`,
    response: {
      status: state.response?.status ?? null,
      headers: copyHeaders(state.response?.headers, 1000),
      size: own(info, 'responseSize') ?? 0,
    },
    latencies: cloneData(own(info, 'latencies') ?? { kong: 0, proxy: -1, request: 0 }),
    route: cloneData(state.route),
    service: cloneData(state.service),
    client_ip: state.client.forwardedIp,
    started_at: state.startedAt,
    source: state.response?.source ?? 'error',
    workspace: state.workspace.id,
    workspace_name: state.workspace.name,
  }
  if (state.consumer) define(out, 'consumer', cloneData(state.consumer))
  const credential = state.credential
  if (credential) {
    define(out, 'authenticated_entity', {
      id: own(credential, 'id'),
      consumer_id: own(credential, 'consumer_id'),
    })
  }
  return out
}

function splitKey(key: string): string[] {
  const parts: string[] = []
  let start = 0
  for (let guard = 0; guard <= key.length; guard++) {
    const dot = StringIndexOf(key, '.', start)
    push(parts, StringSlice(key, start, dot < 0 ? key.length : dot))
    if (dot < 0) break
    start = dot + 1
  }
  return parts
}

function edit(root: Record<string, unknown>, item: SerializeValue): void {
  const parts = splitKey(item.key)
  let node: Record<string, unknown> = root
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!
    let next = own(node, part)
    if (next === undefined || next === null) {
      if (item.mode === 'replace') return
      next = {}
      define(node, part, next)
    }
    if (typeof next !== 'object') {
      throw misuse(
        'kong.log.serialize',
        `The key '${item.key}' could not be used as a serialize value. Subkey '${part}' is not a table. It's ${describe(next)}`,
      )
    }
    node = next as Record<string, unknown>
  }
  const last = parts[parts.length - 1]!
  const existing = own(node, last)
  const present = existing !== undefined && existing !== null
  if (item.mode === 'set' || (item.mode === 'add' && !present) || (item.mode === 'replace' && present)) {
    if (item.value === undefined || item.value === null) delete node[last]
    else define(node, last, cloneData(item.value))
  }
}

export function serialize(request: RecordLike): Record<string, unknown> {
  const out = base(request.state)
  for (let i = 0; i < DEFAULTS.length; i++) edit(out, DEFAULTS[i]!)
  for (let i = 0; i < request.serializeValues.length; i++) edit(out, request.serializeValues[i]!)
  return out
}

type RecordLike = Pick<RequestRecord, 'state' | 'serializeValues'>
