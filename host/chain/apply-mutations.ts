import { FRAMING_HEADERS, type Headers, type Mutation } from '../../runtime/protocol.ts'
import { ipHost, parseIp } from '../egress/index.ts'
import type { RequestModel } from './request-model.ts'

/** A mutation the host refuses: the request fails with 500 and `rule` is logged. */
export class MutationRefused extends Error {
  readonly rule: string
  constructor(rule: string, message: string) {
    super(message)
    this.name = 'MutationRefused'
    this.rule = rule
  }
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const BAD_VALUE = /[\r\n\0]/
/** Plugins may not forge framing (the prelude ignores such a setter; an answer carrying one is refused). */
const FRAMING = new Set(FRAMING_HEADERS)

function headerName(name: string): string {
  if (!TOKEN.test(name))
    throw new MutationRefused('header_name', `invalid header name ${JSON.stringify(name)}`)
  return name.toLowerCase()
}

function headerValue(value: string | string[]): string | string[] {
  const values = Array.isArray(value) ? value : [value]
  for (const v of values) {
    if (BAD_VALUE.test(v))
      throw new MutationRefused('header_value', 'header values may not contain CR, LF or NUL')
  }
  return Array.isArray(value) ? [...value] : value
}

function setHeader(headers: Headers, name: string, value: string | string[]): void {
  const key = headerName(name)
  if (FRAMING.has(key)) throw new MutationRefused('header_framing', `header ${key} is set by the gateway`)
  headers[key] = headerValue(value)
}

function addHeader(headers: Headers, name: string, value: string | string[]): void {
  const key = headerName(name)
  if (FRAMING.has(key)) throw new MutationRefused('header_framing', `header ${key} is set by the gateway`)
  const added = headerValue(value)
  const existing = headers[key]
  // Added to nothing, a header has just that value: a single one stays a string, as Kong's
  // get_headers (and the isolate's own view) give it.
  if (existing === undefined) {
    headers[key] = added
    return
  }
  const list = Array.isArray(existing) ? existing : [existing]
  headers[key] = [...list, ...(Array.isArray(added) ? added : [added])]
}

function status(value: number): number {
  // Final statuses only: a 1xx with a body would desynchronise a kept-alive connection.
  if (!Number.isInteger(value) || value < 200 || value > 599) {
    throw new MutationRefused('status', `status ${value} is not an integer between 200 and 599`)
  }
  return value
}

function body(text: string, base64: boolean): Buffer {
  return base64 ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8')
}

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/

/**
 * A setTarget host as the egress dispatcher takes it: an IP literal in any spelling becomes its
 * canonical address (IPv6 bracketed), a name is lower-cased; anything else is refused.
 */
function targetHost(host: string): string {
  const address = parseIp(host)
  if (address) return ipHost(address)
  const name = host.toLowerCase().replace(/\.$/, '')
  if (address === false || !HOST_NAME.test(name))
    throw new MutationRefused('target', 'invalid target host or port')
  return name
}

/** The response headers a mutation targets: the live response once it exists, else the pending set. */
function responseHeaders(model: RequestModel): Headers {
  return model.state.response?.headers ?? model.pendingResponse.headers
}

/**
 * Applies one plugin's setter calls, in order, to the request model. Each is validated again
 * here (the isolate is untrusted); the first bad one throws MutationRefused.
 */
export function applyMutations(model: RequestModel, mutations: readonly Mutation[], plugin = '?'): void {
  const { state } = model
  for (const m of mutations) {
    // What isolates hold of the request or the response is stale past here (stateDelta).
    if (m.op.startsWith('service.request.')) model.requestVersion++
    else if (m.op.startsWith('response.')) model.responseVersion++
    switch (m.op) {
      case 'service.request.setHeader':
        setHeader(state.headers, m.name, m.value)
        break
      case 'service.request.addHeader':
        addHeader(state.headers, m.name, m.value)
        break
      case 'service.request.clearHeader':
        delete state.headers[headerName(m.name)]
        break
      case 'service.request.setHeaders':
        for (const [name, value] of Object.entries(m.headers)) setHeader(state.headers, name, value)
        break
      case 'service.request.setMethod':
        if (!/^[A-Z]+$/.test(m.method))
          throw new MutationRefused('method', `invalid method ${JSON.stringify(m.method)}`)
        // nginx semantics: the client request itself changes, so later getters see it too.
        state.method = m.method
        state.upstream.method = m.method
        break
      case 'service.request.setPath':
        if (!m.path.startsWith('/') || /[\s?#]/.test(m.path)) {
          throw new MutationRefused('path', 'path must start with / and contain no whitespace, ? or #')
        }
        state.upstream.path = m.path
        break
      case 'service.request.setRawQuery':
        if (/[\s#]/.test(m.query)) throw new MutationRefused('query', 'query may not contain whitespace or #')
        state.rawQuery = m.query
        state.upstream.rawQuery = m.query
        break
      case 'service.request.setScheme':
        if (m.scheme !== 'http' && m.scheme !== 'https')
          throw new MutationRefused('scheme', 'scheme must be http or https')
        model.scheme = m.scheme
        break
      case 'service.request.setRawBody':
        model.upstreamBody = body(m.body, m.base64)
        break
      case 'service.setTarget':
        if (!Number.isInteger(m.port) || m.port < 1 || m.port > 65535) {
          throw new MutationRefused('target', 'invalid target host or port')
        }
        // Who set it goes with it: the egress dispatcher counts and logs per workspace and plugin.
        model.target = {
          host: targetHost(m.host),
          port: m.port,
          plugin,
          workspace: model.state.workspace.name,
        }
        break
      case 'service.setRetries':
        if (!Number.isInteger(m.retries) || m.retries < 0 || m.retries > 32767) {
          throw new MutationRefused('retries', 'retries must be an integer between 0 and 32767')
        }
        model.retries = m.retries
        break
      case 'service.setTimeouts':
        for (const t of [m.connect, m.write, m.read]) {
          if (!Number.isInteger(t) || t < 1 || t > 2 ** 31 - 2)
            throw new MutationRefused('timeout', 'invalid timeout')
        }
        model.timeouts = { connect: m.connect, write: m.write, read: m.read }
        break
      case 'response.setStatus':
        if (state.response) state.response.status = status(m.status)
        else model.pendingResponse.status = status(m.status)
        break
      case 'response.setHeader':
        setHeader(responseHeaders(model), m.name, m.value)
        break
      case 'response.addHeader':
        addHeader(responseHeaders(model), m.name, m.value)
        break
      case 'response.clearHeader': {
        const name = headerName(m.name)
        delete responseHeaders(model)[name]
        if (!state.response) model.pendingResponse.cleared.add(name)
        break
      }
      case 'response.setHeaders':
        for (const [name, value] of Object.entries(m.headers)) setHeader(responseHeaders(model), name, value)
        break
      case 'response.setRawBody':
        model.chunk = body(m.body, m.base64)
        break
      case 'client.authenticate':
        state.consumer = m.consumer
        state.credential = m.credential
        break
      default:
        throw new MutationRefused(
          'unknown_op',
          `unknown mutation ${JSON.stringify((m as { op: unknown }).op)}`,
        )
    }
  }
}
