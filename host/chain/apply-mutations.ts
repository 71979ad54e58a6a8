import {
  body,
  bool,
  fail,
  headerName,
  headerNames,
  headerValues,
  integer,
  isRecord,
  type Json,
  record,
  settableName,
  status,
  text,
  under,
  urlPart,
} from '../../runtime/isolate/index.ts'
import { type Headers, type Mutation, TARGET_HOST_NAME } from '../../runtime/protocol.ts'
import { ipHost, parseIp } from '../egress/index.ts'
import type { RequestModel } from './request-model.ts'

/**
 * The host's one pass over an isolate's operations (PhaseResult.mutations): one function per
 * operation kind checks its fields and applies it to the request model. The answer's envelope was
 * checked before (runtime/isolate/validate-result.ts, with the count of operations); nothing else
 * reads the operations (ParsedResult types them `unknown`).
 */

/** An old value that was no value: the key was not there. */
const ABSENT = Symbol('absent')

/** Where an operation's old values go, so a refused answer can be taken back whole. */
class Undo {
  /** Triples: the object, the key, the old value (ABSENT: it had none). */
  readonly #log: unknown[] = []
  /** Names added to a Set (response.clearHeader before there is a response). */
  #added: [Set<string>, string][] | null = null

  /** `target[key] = value`, remembering the old value. */
  put(target: object, key: string, value: unknown): void {
    const slots = target as Record<string, unknown>
    this.#log.push(target, key, Object.hasOwn(target, key) ? slots[key] : ABSENT)
    assign(slots, key, value)
  }

  remove(target: object, key: string): void {
    if (!Object.hasOwn(target, key)) return
    this.#log.push(target, key, (target as Record<string, unknown>)[key])
    delete (target as Record<string, unknown>)[key]
  }

  add(set: Set<string>, value: string): void {
    if (set.has(value)) return
    set.add(value)
    this.#added ??= []
    this.#added.push([set, value])
  }

  /** Restores every old value, newest first. */
  rollBack(): void {
    for (const [set, value] of this.#added ?? []) set.delete(value)
    const log = this.#log
    for (let i = log.length - 3; i >= 0; i -= 3) {
      const target = log[i] as Record<string, unknown>
      const key = log[i + 1] as string
      const old = log[i + 2]
      if (old === ABSENT) delete target[key]
      else assign(target, key, old)
    }
  }
}

/** An own property even for a header named `__proto__` (an assignment would set the prototype). */
export function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key !== '__proto__') target[key] = value
  else Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
}

type Apply = (model: RequestModel, m: Json, undo: Undo, plugin: string) => void

/** Hosts a plugin may send the upstream request to: a name or an address, nothing else. */
const HOST = /^(?:[A-Za-z0-9._~%!$&'()*+,;=-]+|\[[0-9A-Fa-f:.]+\])$/
const MAX_TIMEOUT_MS = 2_147_483_646
const METHOD = /^[A-Z]+$/
/** Besides control characters (urlPart): the proxy builds the URL, so no whitespace, `?` or `#`. */
const BAD_PATH = /[\s?#]/
const BAD_QUERY = /[\s#]/

/** The response headers an operation targets: the live response once it exists, else the pending set. */
const responseHeaders = (model: RequestModel): Headers =>
  model.state.response?.headers ?? model.pendingResponse.headers

function setHeader(headers: Headers, m: Json, undo: Undo): void {
  const name = settableName(m['name'], 'name').toLowerCase()
  undo.put(headers, name, headerValues(m['value'], 'value'))
}

function addHeader(headers: Headers, m: Json, undo: Undo): void {
  const name = settableName(m['name'], 'name').toLowerCase()
  const added = headerValues(m['value'], 'value')
  // Added to nothing, a header has just that value: a single one stays a string, as Kong's
  // get_headers (and the isolate's own view) give it.
  const existing = Object.hasOwn(headers, name) ? headers[name] : undefined
  if (existing === undefined) {
    undo.put(headers, name, added)
    return
  }
  const list = Array.isArray(existing) ? existing : [existing]
  undo.put(headers, name, list.concat(added))
}

function clearHeader(headers: Headers, m: Json, undo: Undo): string {
  const name = headerName(m['name'], 'name').toLowerCase()
  undo.remove(headers, name)
  return name
}

function setHeaders(headers: Headers, m: Json, undo: Undo): void {
  const map = record(m['headers'], 'headers')
  for (const name of headerNames(map, 'headers')) {
    const key = settableName(name, 'headers name').toLowerCase()
    undo.put(headers, key, headerValues(map[name], `headers.${name}`))
  }
}

function rawBody(m: Json): Buffer {
  const base64 = bool(m['base64'], 'base64')
  return Buffer.from(body(m['body'], base64, 'body'), base64 ? 'base64' : 'utf8')
}

/**
 * A setTarget host as the egress dispatcher takes it: an IP literal in any spelling becomes its
 * canonical address (IPv6 bracketed), a name is lower-cased; anything else is refused.
 */
function targetHost(value: unknown): string {
  const host = urlPart(value, 'host', 'target')
  if (!HOST.test(host)) fail('target', 'host', 'is not a host name or address')
  const address = parseIp(host)
  if (address) return ipHost(address)
  const name = host.toLowerCase().replace(/\.$/, '')
  if (address === false || !TARGET_HOST_NAME.test(name))
    fail('target', 'host', 'is not a host name or address')
  return name
}

function entity(value: unknown, where: string): Record<string, unknown> | null {
  if (value !== null && !isRecord(value)) fail('shape', where, 'must be an object or null')
  return value
}

/** Kong's limits for each setter (kong/pdk/service.lua, service/request.lua, response.lua). */
const APPLY: Record<Mutation['op'], Apply> = {
  'service.request.setHeader': (model, m, undo) => {
    model.requestVersion++
    setHeader(model.state.headers, m, undo)
  },
  'service.request.addHeader': (model, m, undo) => {
    model.requestVersion++
    addHeader(model.state.headers, m, undo)
  },
  'service.request.clearHeader': (model, m, undo) => {
    model.requestVersion++
    clearHeader(model.state.headers, m, undo)
  },
  'service.request.setHeaders': (model, m, undo) => {
    model.requestVersion++
    setHeaders(model.state.headers, m, undo)
  },
  'service.request.setScheme': (model, m, undo) => {
    model.requestVersion++
    const scheme = m['scheme']
    if (scheme !== 'http' && scheme !== 'https') fail('scheme', 'scheme', 'must be http or https')
    undo.put(model, 'scheme', scheme)
  },
  'service.request.setMethod': (model, m, undo) => {
    model.requestVersion++
    const method = text(m['method'], 'method', 32, 'method')
    if (!METHOD.test(method)) fail('method', 'method', 'is not an upper-case HTTP method')
    // nginx semantics: the client request itself changes, so later getters see it too.
    undo.put(model.state, 'method', method)
    undo.put(model.state.upstream, 'method', method)
  },
  'service.request.setPath': (model, m, undo) => {
    model.requestVersion++
    const path = urlPart(m['path'], 'path', 'path')
    if (!path.startsWith('/') || BAD_PATH.test(path)) {
      fail('path', 'path', 'must start with / and contain no whitespace, ? or #')
    }
    undo.put(model.state.upstream, 'path', path)
  },
  'service.request.setRawQuery': (model, m, undo) => {
    model.requestVersion++
    const query = urlPart(m['query'], 'query', 'query')
    if (BAD_QUERY.test(query)) fail('query', 'query', 'may not contain whitespace or #')
    undo.put(model.state, 'rawQuery', query)
    undo.put(model.state.upstream, 'rawQuery', query)
  },
  'service.request.setRawBody': (model, m, undo) => {
    model.requestVersion++
    undo.put(model, 'upstreamBody', rawBody(m))
  },
  'service.setTarget': (model, m, undo, plugin) => {
    const host = targetHost(m['host'])
    const port = integer(m['port'], 'port', 1, 65535, 'target')
    // Who set it goes with it: the egress dispatcher counts and logs per workspace and plugin.
    undo.put(model, 'target', { host, port, plugin, workspace: model.state.workspace.name })
  },
  'service.setRetries': (model, m, undo) => {
    undo.put(model, 'retries', integer(m['retries'], 'retries', 0, 32767, 'number'))
  },
  'service.setTimeouts': (model, m, undo) => {
    const connect = integer(m['connect'], 'connect', 1, MAX_TIMEOUT_MS, 'number')
    const write = integer(m['write'], 'write', 1, MAX_TIMEOUT_MS, 'number')
    const read = integer(m['read'], 'read', 1, MAX_TIMEOUT_MS, 'number')
    undo.put(model, 'timeouts', { connect, write, read })
  },
  'response.setStatus': (model, m, undo) => {
    model.responseVersion++
    const code = status(m['status'], 'status')
    undo.put(model.state.response ?? model.pendingResponse, 'status', code)
  },
  'response.setHeader': (model, m, undo) => {
    model.responseVersion++
    setHeader(responseHeaders(model), m, undo)
  },
  'response.addHeader': (model, m, undo) => {
    model.responseVersion++
    addHeader(responseHeaders(model), m, undo)
  },
  'response.clearHeader': (model, m, undo) => {
    model.responseVersion++
    const name = clearHeader(responseHeaders(model), m, undo)
    if (!model.state.response) undo.add(model.pendingResponse.cleared, name)
  },
  'response.setHeaders': (model, m, undo) => {
    model.responseVersion++
    setHeaders(responseHeaders(model), m, undo)
  },
  'response.setRawBody': (model, m, undo) => {
    model.responseVersion++
    undo.put(model, 'chunk', rawBody(m))
  },
  'client.authenticate': (model, m, undo) => {
    const consumer = entity(m['consumer'], 'consumer')
    const credential = entity(m['credential'], 'credential')
    undo.put(model.state, 'consumer', consumer)
    undo.put(model.state, 'credential', credential)
  },
}

/** By name, own entries only (an `op` of `constructor` is just unknown). */
const OPS: ReadonlyMap<string, Apply> = new Map(Object.entries(APPLY))

/**
 * Checks and applies one answer's operations, in call order, to the request model. All or
 * nothing: the first bad operation takes back the ones before it and throws its BridgeViolation
 * (the call fails: 500, or 503 for a quota rule). Kong would keep a failing handler's earlier PDK
 * calls; here the request fails anyway, and its headerFilter (whose failures the response
 * outlives) must not send half of an answer the host refused.
 */
export function applyMutations(model: RequestModel, ops: readonly unknown[], plugin = '?'): void {
  if (ops.length === 0) return
  const undo = new Undo()
  const { requestVersion, responseVersion } = model
  let i = 0
  try {
    for (; i < ops.length; i++) {
      const m = record(ops[i], '')
      const op = text(m['op'], 'op', 64, 'mutation_op')
      const apply = OPS.get(op)
      if (apply === undefined) fail('mutation_op', 'op', 'is not a known mutation')
      apply(model, m, undo, plugin)
    }
  } catch (error) {
    undo.rollBack()
    model.requestVersion = requestVersion
    model.responseVersion = responseVersion
    throw under(`mutations[${i}]`, error)
  }
}
