/** kong.request: the client's request, read from the local state (bodies through host I/O). */
import type { RequestState } from '../protocol.ts'
import { bodyKind, maxArgs, parseBody } from './body.isolate.ts'
import type { Frame } from './call.isolate.ts'
import { env } from './env.isolate.ts'
import { misuse, PdkError } from './errors.isolate.ts'
import { copyHeaders, firstHeader } from './headers.isolate.ts'
import {
  ArrayIsArray,
  NumberParseInt,
  ObjectFreeze,
  ObjectKeys,
  own,
  PromiseCtor,
  StringIndexOf,
  StringSlice,
  StringToLowerCase,
  setKey,
} from './intrinsics.isolate.ts'
import { requestIo } from './io.isolate.ts'
import { entered, FrameBound } from './pdk-bound.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { decodeArgs, normalizePath } from './uri.isolate.ts'

export function stateOf(frame: Frame): RequestState {
  return frame.call.request!.state
}

function trusted(state: RequestState): boolean {
  return env.trusted.isTrusted(state.client.ip)
}

/** `user@host:port` → `host` (Kong's X-Forwarded-Host handling), lower case. */
function forwardedHostName(value: string): string {
  const at = StringIndexOf(value, '@')
  const host = at >= 0 ? StringSlice(value, at + 1) : value
  const colon = StringIndexOf(host, ':')
  return StringToLowerCase(colon >= 0 ? StringSlice(host, 0, colon) : host)
}

function validPort(text: string | null): number | null {
  if (text === null) return null
  const port = NumberParseInt(text, 10)
  return port >= 1 && port <= 65535 ? port : null
}

/** The client's request body: from the state, or one host read shared by the whole call. */
function readRequestBody(frame: Frame): Promise<string> {
  const request = frame.call.request!
  if (request.rawBody !== null) {
    const body = request.rawBody
    return new PromiseCtor<string>((resolve) => resolve(body))
  }
  if (request.rawBodyWait?.call === frame.call) return request.rawBodyWait.promise
  const wait = requestIo(frame, 'request.getRawBody', [])
  const promise = (async () => {
    const value = await wait
    if (typeof value !== 'string') throw new PdkError('the host returned a request body that is not a string')
    request.rawBody = value
    return value
  })()
  request.rawBodyWait = { call: frame.call, promise }
  return promise
}

/** The frame's request state once `fn` may run (stale handle, exit and phase checked). */
function state(self: unknown, fn: string, allowed: number = PHASES.request): RequestState {
  return stateOf(entered(self, fn, allowed))
}

function queryOf(self: unknown, fn: string, limit: unknown): Record<string, unknown> {
  return decodeArgs(state(self, fn).rawQuery, maxArgs(fn, limit))
}

/** kong.request: methods on a frozen prototype; an instance only carries its frame (pdk-bound). */
class RequestModule extends FrameBound {
  getScheme(): string {
    return state(this, 'kong.request.getScheme').scheme
  }
  getHost(): string {
    return state(this, 'kong.request.getHost').host
  }
  getPort(): number {
    return state(this, 'kong.request.getPort').port
  }
  getForwardedScheme(): string {
    const current = state(this, 'kong.request.getForwardedScheme')
    const proto = trusted(current) ? firstHeader(current.headers, 'x-forwarded-proto') : null
    return proto !== null ? StringToLowerCase(proto) : current.scheme
  }
  getForwardedHost(): string {
    const current = state(this, 'kong.request.getForwardedHost')
    const host = trusted(current) ? firstHeader(current.headers, 'x-forwarded-host') : null
    return host !== null ? forwardedHostName(host) : current.host
  }
  getForwardedPort(): number {
    const current = state(this, 'kong.request.getForwardedPort')
    if (trusted(current)) {
      const port = validPort(firstHeader(current.headers, 'x-forwarded-port'))
      if (port !== null) return port
      const host = firstHeader(current.headers, 'x-forwarded-host')
      if (host !== null) {
        const afterUser = StringSlice(host, StringIndexOf(host, '@') + 1)
        const colon = StringIndexOf(afterUser, ':')
        const hostPort = colon >= 0 ? validPort(StringSlice(afterUser, colon + 1)) : null
        if (hostPort !== null) return hostPort
      }
    }
    return current.port
  }
  getForwardedPath(): string {
    const current = state(this, 'kong.request.getForwardedPath')
    const path = trusted(current) ? firstHeader(current.headers, 'x-forwarded-path') : null
    return path ?? normalizePath(current.path)
  }
  getForwardedPrefix(): string | null {
    const current = state(this, 'kong.request.getForwardedPrefix')
    const prefix = trusted(current) ? firstHeader(current.headers, 'x-forwarded-prefix') : null
    if (prefix !== null) return prefix
    const stripped = own(current.upstream, 'prefix')
    return typeof stripped === 'string' ? stripped : null
  }
  getHttpVersion(): number | null {
    const version = own(state(this, 'kong.request.getHttpVersion'), 'httpVersion')
    return typeof version === 'number' ? version : 1.1
  }
  getMethod(): string {
    return state(this, 'kong.request.getMethod').method
  }
  getPath(): string {
    return normalizePath(state(this, 'kong.request.getPath').path)
  }
  getRawPath(): string {
    return state(this, 'kong.request.getRawPath').path
  }
  getPathWithQuery(): string {
    const current = state(this, 'kong.request.getPathWithQuery')
    return current.rawQuery === '' ? current.path : `${current.path}?${current.rawQuery}`
  }
  getRawQuery(): string {
    return state(this, 'kong.request.getRawQuery').rawQuery
  }
  getQueryArg(name: unknown): string | boolean | null {
    const fn = 'kong.request.getQueryArg'
    entered(this, fn, PHASES.request)
    if (typeof name !== 'string') throw misuse(fn, 'query argument name must be a string')
    const value = own(queryOf(this, fn, undefined), name) as string | true | (string | true)[] | undefined
    if (value === undefined) return null
    return ArrayIsArray(value) ? value[0]! : value
  }
  getQuery(limit?: unknown): Record<string, unknown> {
    return queryOf(this, 'kong.request.getQuery', limit)
  }
  getHeader(name: unknown): string | null {
    const fn = 'kong.request.getHeader'
    const current = state(this, fn)
    if (typeof name !== 'string') throw misuse(fn, 'header name must be a string')
    return firstHeader(current.headers, name)
  }
  getHeaders(limit?: unknown): Record<string, string | string[]> {
    const fn = 'kong.request.getHeaders'
    const current = state(this, fn)
    return copyHeaders(current.headers, maxArgs(fn, limit, 'max_headers'))
  }
  getRawBody(): Promise<string> {
    return readRequestBody(entered(this, 'kong.request.getRawBody', PHASES.beforeContent))
  }
  getBody(mimetype?: unknown, limit?: unknown): Promise<unknown> {
    const fn = 'kong.request.getBody'
    const frame = entered(this, fn, PHASES.beforeContent)
    const current = stateOf(frame)
    if (mimetype !== undefined && mimetype !== null && typeof mimetype !== 'string') {
      throw misuse(fn, 'mimetype must be a string')
    }
    const contentType = typeof mimetype === 'string' ? mimetype : firstHeader(current.headers, 'content-type')
    return (async () => {
      bodyKind(fn, contentType, limit)
      return parseBody(fn, await readRequestBody(frame), contentType!, limit)
    })()
  }
  getStartTime(): number {
    return state(this, 'kong.request.getStartTime').startedAt
  }
  getUriCaptures(): { unnamed: string[]; named: Record<string, string> } {
    const captures = state(this, 'kong.request.getUriCaptures').uriCaptures
    const unnamed: string[] = []
    const named: Record<string, string> = {}
    if (captures) {
      const keys = ObjectKeys(captures)
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!
        const index = NumberParseInt(key, 10)
        if (`${index}` === key && index >= 0 && index < 1000) unnamed[index] = captures[key]!
        else setKey(named, key, captures[key])
      }
    }
    for (let i = 0; i < unnamed.length; i++) if (unnamed[i] === undefined) unnamed[i] = ''
    return { unnamed, named }
  }
}
ObjectFreeze(RequestModule.prototype)
ObjectFreeze(RequestModule)

export function requestModule(frame: Frame): object {
  return new RequestModule(frame)
}
