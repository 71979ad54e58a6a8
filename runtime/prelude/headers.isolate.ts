/** Header lookups and checks with Kong's messages (kong/pdk/private/checks.lua). */
import { FRAMING_HEADERS, type Headers } from '../protocol.ts'
import { misuse } from './errors.isolate.ts'
import {
  ArrayIsArray,
  define,
  ObjectKeys,
  own,
  push,
  record,
  StringCharCodeAt,
  StringCtor,
  StringIndexOf,
  StringToLowerCase,
  setKey,
} from './intrinsics.isolate.ts'
import { CAPS, capped, charge } from './quota.isolate.ts'
import { cloneData, toPlain } from './values.isolate.ts'

/**
 * Framing and hop-by-hop headers: the gateway frames every message itself, so a plugin's value for
 * one could desynchronise a kept-alive connection. Setting one is ignored with a warning (as Kong
 * does for Transfer-Encoding); the host refuses them in any mutation or exit it receives.
 */
const FRAMING = FRAMING_HEADERS

export function isFraming(name: string): boolean {
  const key = headerKey(name)
  for (let i = 0; i < FRAMING.length; i++) if (FRAMING[i] === key) return true
  return false
}

/** Kong's warning for Transfer-Encoding, worded the same for every framing header. */
export function framingWarning(name: string): string {
  return headerKey(name) === 'transfer-encoding'
    ? 'manually setting Transfer-Encoding. Ignored.'
    : `manually setting ${name}. Ignored.`
}

/** `X_Custom-Header` → `x-custom-header`: Kong's names are case-insensitive, `_` stands for `-`. */
export function headerKey(name: string): string {
  const lower = StringToLowerCase(name)
  if (StringIndexOf(lower, '_') < 0) return lower
  let out = ''
  for (let i = 0; i < lower.length; i++) out += lower[i] === '_' ? '-' : lower[i]
  return out
}

/** First value of a header, or null. */
export function firstHeader(headers: Headers | null | undefined, name: string): string | null {
  const value = own(headers, headerKey(name)) as string | string[] | undefined
  if (value === undefined) return null
  if (typeof value === 'string') return value
  return value.length > 0 ? value[0]! : null
}

/** A copy of at most `max` headers (Kong's get_headers(max)). */
export function copyHeaders(headers: Headers | null | undefined, max: number): Headers {
  const out: Headers = {}
  if (!headers) return out
  const keys = ObjectKeys(headers)
  for (let i = 0; i < keys.length && i < max; i++) setKey(out, keys[i]!, cloneData(headers[keys[i]!]))
  return out
}

/** RFC 7230 token characters. */
function isToken(name: string): boolean {
  if (name.length === 0) return false
  for (let i = 0; i < name.length; i++) {
    const c = StringCharCodeAt(name, i)
    const ok =
      (c >= 48 && c <= 57) ||
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 35 && c <= 39) || // # $ % & '
      c === 33 ||
      c === 42 ||
      c === 43 ||
      c === 45 ||
      c === 46 ||
      c === 94 ||
      c === 95 ||
      c === 96 ||
      c === 124 ||
      c === 126
    if (!ok) return false
  }
  return true
}

/** What node:http accepts in a header value: tab, visible ASCII and Latin-1. */
function isFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = StringCharCodeAt(value, i)
    if ((c < 32 && c !== 9) || c === 127 || c > 255) return false
  }
  return true
}

function checkName(fn: string, name: unknown): string {
  if (typeof name !== 'string') {
    throw misuse(fn, `invalid header name "${StringCtor(name)}": got ${luaType(name)}, expected string`)
  }
  if (name.length > CAPS.headerNameChars) {
    throw misuse(fn, `invalid header name: longer than ${CAPS.headerNameChars} characters`)
  }
  if (!isToken(name)) throw misuse(fn, `invalid header name "${name}": not a valid HTTP header name`)
  return name
}

/** Length first: scanning a value reads every character, which flattens a rope whole. */
function checkText(fn: string, name: string, value: string): string {
  capped(fn, 'header_size', `the value of header ${name}`, value, CAPS.headerValueChars)
  charge(fn, value.length)
  if (!isFieldValue(value)) {
    throw misuse(
      fn,
      `invalid header value for "${name}": contains control characters or characters beyond U+00FF`,
    )
  }
  return value
}

/** Kong's type names in messages (a JS object is a Lua table). */
export function luaType(value: unknown): string {
  if (value === null || value === undefined) return 'nil'
  if (typeof value === 'object') return 'table'
  return typeof value
}

/** One header for set/add: name must be a token; value a string, number, boolean or string array. */
export function checkHeader(
  fn: string,
  name: unknown,
  value: unknown,
): { name: string; value: string | string[] } {
  const checked = checkName(fn, name)
  if (typeof value === 'string') return { name: checked, value: checkText(fn, checked, value) }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return { name: checked, value: checkText(fn, checked, StringCtor(value)) }
  }
  if (value !== null && typeof value === 'object') {
    const list = toPlain(value, fn)
    if (ArrayIsArray(list)) return { name: checked, value: checkList(fn, checked, list) }
  }
  throw misuse(
    fn,
    `invalid header value for "${checked}": got ${luaType(value)}, expected string, number or boolean`,
  )
}

function checkList(fn: string, name: string, list: unknown[]): string[] {
  const out: string[] = []
  for (let i = 0; i < list.length; i++) {
    const item = list[i]
    if (typeof item !== 'string') {
      throw misuse(fn, `invalid header value in array "${name}": got ${luaType(item)}, expected string`)
    }
    push(out, checkText(fn, name, item))
  }
  return out
}

/** A header table for setHeaders/exit: a checked copy (prototype-less), names as given. */
export function checkHeaders(fn: string, headers: unknown, message = 'headers must be a table'): Headers {
  if (headers === null || typeof headers !== 'object' || ArrayIsArray(headers)) throw misuse(fn, message)
  const copy = toPlain(headers, fn) as Record<string, unknown>
  const out = record<string | string[]>()
  const keys = ObjectKeys(copy)
  for (let i = 0; i < keys.length; i++) {
    const name = checkName(fn, keys[i])
    const value = own(copy, name)
    if (value !== null && typeof value === 'object') {
      if (!ArrayIsArray(value)) {
        throw misuse(
          fn,
          `invalid header value for "${name}": got table, expected string, number, boolean or array of strings`,
        )
      }
      out[name] = checkList(fn, name, value)
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[name] = checkText(fn, name, StringCtor(value))
    } else {
      throw misuse(
        fn,
        `invalid header value for "${name}": got ${luaType(value)}, expected string, number, boolean or array of strings`,
      )
    }
  }
  return out
}

/** Local view update after a setter: set (replace), add (append) or clear one header. */
export function applyHeader(
  headers: Headers,
  name: string,
  value: string | string[] | null,
  add = false,
): void {
  const key = headerKey(name)
  if (value === null) {
    if (own(headers, key) !== undefined) delete headers[key]
    return
  }
  const existing = own(headers, key) as string | string[] | undefined
  if (!add || existing === undefined) {
    define(headers, key, typeof value === 'string' ? value : cloneData(value))
    return
  }
  const merged: string[] = []
  const before = typeof existing === 'string' ? [existing] : existing
  for (let i = 0; i < before.length; i++) push(merged, before[i]!)
  const after = typeof value === 'string' ? [value] : value
  for (let i = 0; i < after.length; i++) push(merged, after[i]!)
  define(headers, key, merged)
}
