/**
 * kong.service.request: changes to the request sent upstream. Each setter records a mutation
 * and updates the local state, so later getters in this isolate see it as nginx would show it:
 * headers, method and query are the request's own (kong.request.* sees them); the path is the
 * upstream's only.
 */
import type { RequestState } from '../protocol.ts'
import { FORM, JSON_TYPE, MULTIPART, mediaType } from './body.isolate.ts'
import { base64Encode, utf8Decode } from './bytes.isolate.ts'
import { addLog, type Frame, mutate } from './call.isolate.ts'
import { misuse, PdkError } from './errors.isolate.ts'
import {
  applyHeader,
  checkHeader,
  checkHeaders,
  firstHeader,
  framingWarning,
  isFraming,
  luaType,
} from './headers.isolate.ts'
import {
  ArrayIsArray,
  bytesLength,
  isUint8Array,
  MathFloor,
  ObjectFreeze,
  ObjectKeys,
  own,
  StringCharCodeAt,
  StringCtor,
  StringIndexOf,
  StringSlice,
} from './intrinsics.isolate.ts'
import { buildMultipart } from './multipart.isolate.ts'
import { entered, FrameBound } from './pdk-bound.isolate.ts'
import { stateOf } from './pdk-request.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { bounded, CAPS, capped, charge, overQuota } from './quota.isolate.ts'
import { ArgError, argName, encodeArgs, escapePath } from './uri.isolate.ts'
import { toPlain, writeJson } from './values.isolate.ts'

const METHODS = [
  'GET',
  'HEAD',
  'PUT',
  'POST',
  'DELETE',
  'OPTIONS',
  'MKCOL',
  'COPY',
  'MOVE',
  'PROPFIND',
  'PROPPATCH',
  'LOCK',
  'UNLOCK',
  'PATCH',
  'TRACE',
]

/** A raw query with CR, LF, NUL or spaces would break (or split) the upstream request line. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = StringCharCodeAt(text, i)
    if (code <= 32 || code === 127) return true
  }
  return false
}

function setQueryLocally(state: RequestState, query: string): void {
  state.rawQuery = query
  state.upstream.rawQuery = query
}

/** A setQuery/setBody table as plain data with string keys (a JS array has none). */
function argsTable(fn: string, args: unknown): Record<string, unknown> {
  if (args === null || typeof args !== 'object') throw misuse(fn, 'args must be a table')
  const plain = toPlain(args, fn)
  if (ArrayIsArray(plain)) throw misuse(fn, 'arg keys must be strings')
  return plain as Record<string, unknown>
}

function formBody(fn: string, args: Record<string, unknown>): string {
  try {
    return encodeArgs(args, ObjectKeys(args))
  } catch (error) {
    if (error instanceof ArgError) throw misuse(fn, error.message)
    throw error
  }
}

function multipartBody(
  fn: string,
  args: Record<string, unknown>,
  mime: string,
): { body: string; contentType: string } {
  const keys = ObjectKeys(args)
  const fields: Record<string, string> = {}
  for (let i = 0; i < keys.length; i++) {
    const value = own(args, keys[i]!)
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw misuse(
        fn,
        `invalid value "${keys[i]}": got ${luaType(value)}, expected string, number or boolean`,
      )
    }
    fields[keys[i]!] = StringCtor(value)
  }
  return buildMultipart(fields, keys, mime)
}

function begin(self: unknown, fn: string): Frame {
  return entered(self, fn, PHASES.rewriteAccess)
}

/** Kong (nginx) then reads the new body in kong.request.getRawBody too. */
function setBody(frame: Frame, fn: string, body: string, base64: boolean, text: string): void {
  capped(fn, 'body_size', 'the body', body, CAPS.bodyChars)
  charge(fn, body.length)
  mutate(frame, { op: 'service.request.setRawBody', body, base64 })
  frame.call.request!.rawBody = text
}

function setOne(
  self: unknown,
  fn: string,
  op: 'service.request.setHeader' | 'service.request.addHeader',
  name: unknown,
  value: unknown,
): void {
  const frame = begin(self, fn)
  const state = stateOf(frame)
  const header = checkHeader(fn, name, value)
  if (isFraming(header.name)) {
    addLog(frame, 'warn', framingWarning(header.name))
    return
  }
  mutate(frame, { op, name: header.name, value: header.value })
  applyHeader(state.headers, header.name, header.value, op === 'service.request.addHeader')
}

/** kong.service.request: methods on a frozen prototype; an instance only carries its frame. */
class ServiceRequestModule extends FrameBound {
  setScheme(scheme: unknown): void {
    const fn = 'kong.service.request.setScheme'
    const frame = begin(this, fn)
    if (typeof scheme !== 'string') throw misuse(fn, 'scheme must be a string')
    if (scheme !== 'http' && scheme !== 'https') throw misuse(fn, `invalid scheme: ${scheme}`)
    mutate(frame, { op: 'service.request.setScheme', scheme })
  }
  setPath(path: unknown): void {
    const fn = 'kong.service.request.setPath'
    const frame = begin(this, fn)
    if (typeof path !== 'string') throw misuse(fn, 'path must be a string')
    capped(fn, 'text_size', 'the path', path, CAPS.urlChars)
    if (path[0] !== '/') throw misuse(fn, 'path must start with /')
    const escaped = escapePath(path)
    mutate(frame, { op: 'service.request.setPath', path: escaped })
    stateOf(frame).upstream.path = escaped
  }
  setRawQuery(query: unknown): void {
    const fn = 'kong.service.request.setRawQuery'
    const frame = begin(this, fn)
    if (typeof query !== 'string') throw misuse(fn, 'query must be a string')
    capped(fn, 'text_size', 'the query', query, CAPS.urlChars)
    if (hasControl(query)) throw misuse(fn, 'query must not contain control characters or spaces')
    mutate(frame, { op: 'service.request.setRawQuery', query })
    setQueryLocally(stateOf(frame), query)
  }
  setMethod(method: unknown): void {
    const fn = 'kong.service.request.setMethod'
    const frame = begin(this, fn)
    if (typeof method !== 'string') throw misuse(fn, 'method must be a string')
    let known = false
    for (let i = 0; i < METHODS.length; i++) known = known || METHODS[i] === method
    if (!known) throw misuse(fn, `invalid method: ${bounded(method, 32, 'a method')}`)
    mutate(frame, { op: 'service.request.setMethod', method })
    const state = stateOf(frame)
    state.method = method
    state.upstream.method = method
  }
  setQuery(args: unknown): void {
    const fn = 'kong.service.request.setQuery'
    const frame = begin(this, fn)
    const query = capped(fn, 'text_size', 'the query', formBody(fn, argsTable(fn, args)), CAPS.urlChars)
    mutate(frame, { op: 'service.request.setRawQuery', query })
    setQueryLocally(stateOf(frame), query)
  }
  clearQueryArg(name: unknown): void {
    const fn = 'kong.service.request.clearQueryArg'
    const frame = begin(this, fn)
    const state = stateOf(frame)
    if (typeof name !== 'string') throw misuse(fn, 'query argument name must be a string')
    const raw = state.rawQuery
    let kept = ''
    let start = 0
    while (start <= raw.length) {
      let end = StringIndexOf(raw, '&', start)
      if (end < 0) end = raw.length
      const segment = StringSlice(raw, start, end)
      start = end + 1
      if (segment !== '' && argName(segment) !== name) kept += (kept === '' ? '' : '&') + segment
    }
    if (kept === raw) return
    mutate(frame, { op: 'service.request.setRawQuery', query: kept })
    setQueryLocally(state, kept)
  }
  setHeader(name: unknown, value: unknown): void {
    setOne(this, 'kong.service.request.setHeader', 'service.request.setHeader', name, value)
  }
  addHeader(name: unknown, value: unknown): void {
    setOne(this, 'kong.service.request.addHeader', 'service.request.addHeader', name, value)
  }
  clearHeader(name: unknown): void {
    const fn = 'kong.service.request.clearHeader'
    const frame = begin(this, fn)
    if (typeof name !== 'string') throw misuse(fn, 'header must be a string')
    mutate(frame, { op: 'service.request.clearHeader', name })
    applyHeader(stateOf(frame).headers, name, null)
  }
  setHeaders(headers: unknown): void {
    const fn = 'kong.service.request.setHeaders'
    const frame = begin(this, fn)
    const checked = checkHeaders(fn, headers)
    const names = ObjectKeys(checked)
    for (let i = 0; i < names.length; i++) {
      if (!isFraming(names[i]!)) continue
      addLog(frame, 'warn', framingWarning(names[i]!))
      delete checked[names[i]!]
    }
    mutate(frame, { op: 'service.request.setHeaders', headers: checked })
    const state = stateOf(frame)
    const kept = ObjectKeys(checked)
    for (let i = 0; i < kept.length; i++) applyHeader(state.headers, kept[i]!, checked[kept[i]!]!)
  }
  setRawBody(body: unknown): void {
    const fn = 'kong.service.request.setRawBody'
    const frame = begin(this, fn)
    if (typeof body === 'string') setBody(frame, fn, body, false, body)
    else if (isUint8Array(body)) {
      const chars = MathFloor((bytesLength(body) + 2) / 3) * 4
      if (chars > CAPS.bodyChars) throw overQuota(fn, 'body_size', 'the body (base64)', chars, CAPS.bodyChars)
      setBody(frame, fn, base64Encode(body), true, utf8Decode(body))
    } else throw misuse(fn, 'body must be a string')
  }
  setBody(args: unknown, mime?: unknown): true {
    const fn = 'kong.service.request.setBody'
    const frame = begin(this, fn)
    const state = stateOf(frame)
    if (args === null || typeof args !== 'object') throw misuse(fn, 'args must be a table')
    if (mime !== undefined && mime !== null && typeof mime !== 'string')
      throw misuse(fn, 'mime must be a string')
    const type = typeof mime === 'string' ? mime : firstHeader(state.headers, 'content-type')
    if (type === null) {
      throw new PdkError('content type was neither explicitly given as an argument or received as a header')
    }
    const media = mediaType(type)
    let body: string
    let contentType = type
    if (media === FORM) body = formBody(fn, argsTable(fn, args))
    else if (media === JSON_TYPE) {
      const where = { rule: 'body_size', where: 'the body' } as const
      body = writeJson(toPlain(args, fn, false, '', CAPS.bodyChars, where) ?? null)
    } else if (media === MULTIPART) ({ body, contentType } = multipartBody(fn, argsTable(fn, args), type))
    else throw misuse(fn, `unsupported content type ${type}`)
    setBody(frame, fn, body, false, body)
    mutate(frame, { op: 'service.request.setHeader', name: 'Content-Type', value: contentType })
    applyHeader(state.headers, 'content-type', contentType)
    return true
  }
}
ObjectFreeze(ServiceRequestModule.prototype)
ObjectFreeze(ServiceRequestModule)

export function serviceRequestModule(frame: Frame): object {
  return new ServiceRequestModule(frame)
}
