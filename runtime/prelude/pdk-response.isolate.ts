/** kong.response: the response to the client, its setters, exit/error, and bodyFilter's body. */
import type { Headers, PhaseResult, RequestState } from '../protocol.ts'
import { maxArgs } from './body.isolate.ts'
import { base64Decode, base64Encode, concatBytes, utf8Decode, utf8Encode } from './bytes.isolate.ts'
import { addLog, enter, type Frame, mutate } from './call.isolate.ts'
import { defaultMessage, errorBody, responseType } from './error-page.isolate.ts'
import { ExitSignal, misuse } from './errors.isolate.ts'
import {
  applyHeader,
  checkHeader,
  checkHeaders,
  copyHeaders,
  firstHeader,
  framingWarning,
  headerKey,
  isFraming,
} from './headers.isolate.ts'
import {
  bytesLength,
  isArrayBuffer,
  isUint8Array,
  join,
  MathFloor,
  NumberIsInteger,
  ObjectFreeze,
  ObjectKeys,
  own,
  push,
  record,
  Uint8ArrayCtor,
} from './intrinsics.isolate.ts'
import { entered, FrameBound, frameOf } from './pdk-bound.isolate.ts'
import { stateOf } from './pdk-request.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { CAPS, capped, charge, overQuota } from './quota.isolate.ts'
import { toPlain, writeJson } from './values.isolate.ts'

/**
 * Plugins answer with final statuses only: a 1xx sent as the response would leave its body on a
 * kept-alive connection for the client to read as the next request's answer.
 */
const MIN_STATUS = 200

function checkStatus(fn: string, status: unknown, min: number): number {
  if (typeof status !== 'number') throw misuse(fn, 'code must be a number')
  if (!NumberIsInteger(status) || status < min || status > 599) {
    throw misuse(fn, `code must be a number between ${min} and 599`)
  }
  return status
}

/** Binary bodies (Uint8Array, ArrayBuffer) as base64, its size checked first; anything else is not binary. */
function binary(fn: string, value: unknown): string | null {
  const bytes = isUint8Array(value) ? value : isArrayBuffer(value) ? new Uint8ArrayCtor(value) : null
  if (bytes === null) return null
  const chars = MathFloor((bytesLength(bytes) + 2) / 3) * 4
  if (chars > CAPS.bodyChars) throw overQuota(fn, 'body_size', 'the body (base64)', chars, CAPS.bodyChars)
  charge(fn, chars)
  return base64Encode(bytes)
}

/** A text body as it will cross: length checked before anything reads it. */
function textBody(fn: string, body: string): string {
  capped(fn, 'body_size', 'the body', body, CAPS.bodyChars)
  charge(fn, body.length)
  return body
}

/** Header table for an exit: checked, framing headers dropped with Kong's warning. */
function exitHeaders(frame: Frame, fn: string, headers: unknown): Headers {
  const out = record<string | string[]>()
  if (headers === undefined || headers === null) return out
  const checked = checkHeaders(fn, headers, 'headers must be a nil or table')
  const names = ObjectKeys(checked)
  for (let i = 0; i < names.length; i++) {
    if (isFraming(names[i]!)) addLog(frame, 'warn', framingWarning(names[i]!))
    else out[names[i]!] = checked[names[i]!]!
  }
  return out
}

function hasHeader(headers: Headers, key: string): boolean {
  const names = ObjectKeys(headers)
  for (let i = 0; i < names.length; i++) if (headerKey(names[i]!) === key) return true
  return false
}

/** Records the exit, marks the frame, and throws the sentinel that ends the handler. */
function finishExit(frame: Frame, exit: NonNullable<PhaseResult['exit']>): never {
  frame.call.exit = exit
  frame.exited = true
  throw new ExitSignal()
}

function exit(frame: Frame, status: unknown, body: unknown, headers: unknown): never {
  const fn = 'kong.response.exit'
  enter(frame, fn, PHASES.responseWriters)
  const code = checkStatus(fn, status, MIN_STATUS)
  if (body !== undefined && body !== null && typeof body !== 'string' && typeof body !== 'object') {
    throw misuse(fn, 'body must be a nil, string or table')
  }
  const out = exitHeaders(frame, fn, headers)
  if (body === undefined || body === null)
    return finishExit(frame, { status: code, body: null, base64: false, headers: out })
  if (typeof body === 'string')
    return finishExit(frame, { status: code, body: textBody(fn, body), base64: false, headers: out })
  const bytes = binary(fn, body)
  if (bytes !== null) return finishExit(frame, { status: code, body: bytes, base64: true, headers: out })
  const plain = toPlain(body, fn, false, 'body encoding failed while flushing response: ', CAPS.bodyChars, {
    rule: 'body_size',
    where: 'the body',
  })
  const json = textBody(fn, writeJson(plain ?? null))
  if (!hasHeader(out, 'content-type')) out['Content-Type'] = 'application/json; charset=utf-8'
  return finishExit(frame, { status: code, body: json, base64: false, headers: out })
}

function error(frame: Frame, status: unknown, message: unknown, headers: unknown): never {
  const fn = 'kong.response.error'
  enter(frame, fn, PHASES.responseWriters)
  const code = checkStatus(fn, status, 400)
  let text: string | null = null
  if (typeof message === 'string') text = capped(fn, 'body_size', 'the message', message, CAPS.textChars)
  else if (message !== null && typeof message === 'object') {
    const plain = toPlain(message, fn, false, 'could not JSON encode the error message: ', CAPS.textChars)
    text = writeJson(plain ?? null)
  } else if (message !== undefined && message !== null) {
    throw misuse(fn, 'message must be a nil, a string or a table')
  }
  const out = exitHeaders(frame, fn, headers)
  let mime: string | null = null
  const names = ObjectKeys(out)
  for (let i = 0; i < names.length && mime === null; i++) {
    if (headerKey(names[i]!) === 'content-type') {
      const value = out[names[i]!]!
      mime = typeof value === 'string' ? value : (value[0] ?? '')
    }
  }
  const request = stateOf(frame)
  if (mime === null) {
    const accept = own(request.headers, 'accept') as string | string[] | undefined
    mime = responseType(accept === undefined ? null : typeof accept === 'string' ? accept : join(accept, ','))
    out['Content-Type'] = mime
  }
  const body = errorBody(mime, text ?? defaultMessage(code), request.id)
  if (body === null) throw misuse(fn, `no template found for MIME type ${mime}`)
  return finishExit(frame, { status: code, body: textBody(fn, body), base64: false, headers: out })
}

function responseState(frame: Frame): RequestState['response'] {
  return stateOf(frame).response
}

function writer(self: unknown, fn: string): Frame {
  return entered(self, fn, PHASES.responseWriters)
}

function reader(self: unknown, fn: string): RequestState['response'] {
  return responseState(entered(self, fn, PHASES.responseReaders))
}

function setOne(
  self: unknown,
  fn: string,
  op: 'response.setHeader' | 'response.addHeader',
  name: unknown,
  value: unknown,
): void {
  const frame = writer(self, fn)
  const header = checkHeader(fn, name, value)
  if (isFraming(header.name)) {
    addLog(frame, 'warn', framingWarning(header.name))
    return
  }
  mutate(frame, { op, name: header.name, value: header.value })
  const current = responseState(frame)
  if (current) applyHeader(current.headers, header.name, header.value, op === 'response.addHeader')
}

/** kong.response: methods on a frozen prototype; an instance only carries its frame (pdk-bound). */
class ResponseModule extends FrameBound {
  getStatus(): number | null {
    return reader(this, 'kong.response.getStatus')?.status ?? null
  }
  getHeader(name: unknown): string | null {
    const current = reader(this, 'kong.response.getHeader')
    if (typeof name !== 'string') throw misuse('kong.response.getHeader', 'header name must be a string')
    return firstHeader(current?.headers, name)
  }
  getHeaders(limit?: unknown): Headers {
    const current = reader(this, 'kong.response.getHeaders')
    return copyHeaders(current?.headers, maxArgs('kong.response.getHeaders', limit, 'max_headers'))
  }
  getSource(): string {
    return reader(this, 'kong.response.getSource')?.source ?? 'error'
  }
  setStatus(status: unknown): void {
    const fn = 'kong.response.setStatus'
    const frame = writer(this, fn)
    const code = checkStatus(fn, status, MIN_STATUS)
    mutate(frame, { op: 'response.setStatus', status: code })
    const current = responseState(frame)
    if (current) current.status = code
  }
  setHeader(name: unknown, value: unknown): void {
    setOne(this, 'kong.response.setHeader', 'response.setHeader', name, value)
  }
  addHeader(name: unknown, value: unknown): void {
    setOne(this, 'kong.response.addHeader', 'response.addHeader', name, value)
  }
  clearHeader(name: unknown): void {
    const fn = 'kong.response.clearHeader'
    const frame = writer(this, fn)
    if (typeof name !== 'string') throw misuse(fn, 'header name must be a string')
    mutate(frame, { op: 'response.clearHeader', name })
    const current = responseState(frame)
    if (current) applyHeader(current.headers, name, null)
  }
  setHeaders(headers: unknown): void {
    const fn = 'kong.response.setHeaders'
    const frame = writer(this, fn)
    const checked = checkHeaders(fn, headers)
    const kept = record<string | string[]>()
    const names = ObjectKeys(checked)
    const current = responseState(frame)
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      if (isFraming(name)) {
        addLog(frame, 'warn', framingWarning(name))
        continue
      }
      kept[name] = checked[name]!
      if (current) applyHeader(current.headers, name, checked[name]!)
    }
    mutate(frame, { op: 'response.setHeaders', headers: kept })
  }
  exit(status: unknown, body?: unknown, headers?: unknown): never {
    return exit(frameOf(this, 'kong.response.exit'), status, body, headers)
  }
  error(status: unknown, message?: unknown, headers?: unknown): never {
    return error(frameOf(this, 'kong.response.error'), status, message, headers)
  }
  getRawBody(): string | null {
    return getRawBody(frameOf(this, 'kong.response.getRawBody'))
  }
  setRawBody(body: unknown): void {
    setRawBody(frameOf(this, 'kong.response.setRawBody'), body)
  }
}
ObjectFreeze(ResponseModule.prototype)
ObjectFreeze(ResponseModule)

export function responseModule(frame: Frame): object {
  return new ResponseModule(frame)
}

const EMPTY = new Uint8ArrayCtor(0)

function chunkBytes(frame: Frame): Uint8Array {
  const chunk = frame.call.chunk!
  chunk.bytes ??= base64Decode(chunk.input)
  return chunk.bytes
}

/**
 * Kong's bodyFilter getRawBody: buffers chunks (sending nothing meanwhile) and returns the whole
 * body with the last chunk, which then carries it; null before the last chunk.
 */
function getRawBody(frame: Frame): string | null {
  enter(frame, 'kong.response.getRawBody', PHASES.bodyFilter)
  const chunk = frame.call.chunk
  if (!chunk) return null
  const request = frame.call.request!
  const bytes = chunkBytes(frame)
  if (chunk.eof && request.responseBuffer === null) return utf8Decode(bytes)
  request.responseBuffer ??= []
  const buffer = request.responseBuffer
  if (bytesLength(bytes) !== 0) push(buffer, bytes)
  chunk.changed = true
  if (!chunk.eof) {
    chunk.bytes = EMPTY
    return null
  }
  chunk.bytes = concatBytes(buffer)
  request.responseBuffer = null
  return utf8Decode(chunk.bytes)
}

/** Replaces the rest of the body with `body` (Kong also marks it the last chunk). */
function setRawBody(frame: Frame, body: unknown): void {
  const fn = 'kong.response.setRawBody'
  enter(frame, fn, PHASES.bodyFilter)
  const encoded = binary(fn, body)
  if (typeof body !== 'string' && encoded === null) throw misuse(fn, 'body must be a string')
  if (typeof body === 'string') textBody(fn, body)
  const chunk = frame.call.chunk
  if (chunk) {
    chunk.bytes = typeof body === 'string' ? utf8Encode(body) : base64Decode(encoded!)
    chunk.changed = true
  }
  frame.call.request!.responseBuffer = null
  mutate(
    frame,
    typeof body === 'string'
      ? { op: 'response.setRawBody', body, base64: false }
      : { op: 'response.setRawBody', body: encoded!, base64: true },
  )
}
