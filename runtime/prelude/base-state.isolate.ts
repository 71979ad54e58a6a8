/**
 * A request's state from the host's base text (PhaseCall.base): scalars as JSON, then the client's
 * header lines, parsed into `headers` only when something first reads them (many phases of many
 * plugins never do, and the text is the same for every isolate of the request).
 */
import { BASE_SEPARATOR, type Headers, type RequestState } from '../protocol.ts'
import {
  ArrayIsArray,
  JsonParse,
  ObjectFreeze,
  OrdinaryHasInstance,
  own,
  push,
  StringIndexOf,
  StringSlice,
  StringToLowerCase,
  setKey,
} from './intrinsics.isolate.ts'

/**
 * The state as the PDK reads it: every field an own data property of one fixed shape, `headers`
 * an accessor of the (frozen) class whose first read parses the lines. Plugins never get this
 * object, only copies of its parts.
 */
class ArrivedState {
  id: string
  startedAt: number
  scheme: RequestState['scheme']
  host: string
  port: number
  method: string
  path: string
  rawQuery: string
  client: RequestState['client']
  uriCaptures: RequestState['uriCaptures']
  workspace: RequestState['workspace']
  upstream: RequestState['upstream']
  httpVersion: number | undefined
  route: RequestState['route'] = null
  service: RequestState['service'] = null
  consumer: RequestState['consumer'] = null
  credential: RequestState['credential'] = null
  shared: RequestState['shared'] = {}
  response: RequestState['response'] = null
  serviceResponse: RequestState['serviceResponse'] = null
  #lines: string
  #headers: Headers | null = null

  constructor(scalars: object, lines: string) {
    this.id = own(scalars, 'id') as string
    this.startedAt = own(scalars, 'startedAt') as number
    this.scheme = own(scalars, 'scheme') as RequestState['scheme']
    this.host = own(scalars, 'host') as string
    this.port = own(scalars, 'port') as number
    this.method = own(scalars, 'method') as string
    this.path = own(scalars, 'path') as string
    this.rawQuery = own(scalars, 'rawQuery') as string
    this.client = own(scalars, 'client') as RequestState['client']
    this.uriCaptures = (own(scalars, 'uriCaptures') ?? null) as RequestState['uriCaptures']
    this.workspace = own(scalars, 'workspace') as RequestState['workspace']
    this.upstream = own(scalars, 'upstream') as RequestState['upstream']
    this.httpVersion = own(scalars, 'httpVersion') as number | undefined
    this.#lines = lines
  }

  get headers(): Headers {
    this.#headers ??= parseLines(this.#lines)
    return this.#headers
  }

  /** A delta's headers (plugins changed them) replace the lines. */
  set headers(headers: Headers) {
    this.#headers = headers
  }
}
ObjectFreeze(ArrivedState.prototype)
ObjectFreeze(ArrivedState)

/** A state made from a base text (its `headers` is the class's accessor). */
export function isArrived(state: RequestState): boolean {
  return OrdinaryHasInstance(ArrivedState, state)
}

/** The state of the base text, or null when the text is not one. */
export function baseState(text: string): RequestState | null {
  const cut = StringIndexOf(text, BASE_SEPARATOR)
  if (cut < 0) return null
  let scalars: unknown
  try {
    scalars = JsonParse(StringSlice(text, 0, cut))
  } catch {
    return null
  }
  if (scalars === null || typeof scalars !== 'object' || ArrayIsArray(scalars)) return null
  return new ArrivedState(scalars, StringSlice(text, cut + 1)) as RequestState
}

/** `name\nvalue\n…` → lower-cased names, a repeated header as the list of its values (node's headersDistinct). */
function parseLines(lines: string): Headers {
  const headers: Headers = {}
  let at = 0
  while (at < lines.length) {
    let end = StringIndexOf(lines, '\n', at)
    if (end < 0) break
    const name = StringToLowerCase(StringSlice(lines, at, end))
    at = end + 1
    end = StringIndexOf(lines, '\n', at)
    if (end < 0) end = lines.length
    const value = StringSlice(lines, at, end)
    at = end + 1
    const existing = own(headers, name) as string | string[] | undefined
    if (existing === undefined) setKey(headers, name, value)
    else if (typeof existing === 'string') setKey(headers, name, [existing, value])
    else push(existing, value)
  }
  return headers
}
