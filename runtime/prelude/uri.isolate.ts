/** URL pieces the way Kong handles them (kong/tools/uri.lua, ngx.decode_args/encode_args). */
import { utf8Decode, utf8Encode } from './bytes.isolate.ts'
import {
  ArrayIsArray,
  ArraySort,
  bytesLength,
  own,
  push,
  StringCharCodeAt,
  StringCtor,
  StringFromCharCode,
  StringIndexOf,
  StringSlice,
  setKey,
  Uint8ArrayCtor,
} from './intrinsics.isolate.ts'

const HEX = '0123456789ABCDEF'

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 65 && code <= 70) return code - 55
  if (code >= 97 && code <= 102) return code - 87
  return -1
}

/** Reserved characters keep their escaping when a path is normalized. */
const RESERVED = "!*'();:@&=+$,/?%#[]"

/**
 * Percent-decodes into UTF-8 text. Invalid escapes stay as written (nginx is lenient too);
 * `plus` turns '+' into a space (query strings); `keepReserved` leaves escapes of reserved
 * characters encoded, with upper-case hex (Kong's path normalization).
 */
function percentDecode(text: string, plus: boolean, keepReserved = false): string {
  if (StringIndexOf(text, '%') < 0 && !(plus && StringIndexOf(text, '+') >= 0)) return text
  const bytes = new Uint8ArrayCtor(text.length * 3)
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const code = StringCharCodeAt(text, i)
    if (code === 37 && i + 2 < text.length) {
      const high = hexValue(StringCharCodeAt(text, i + 1))
      const low = hexValue(StringCharCodeAt(text, i + 2))
      if (high >= 0 && low >= 0) {
        const byte = high * 16 + low
        if (keepReserved && StringIndexOf(RESERVED, StringFromCharCode(byte)) >= 0) {
          bytes[n++] = 37
          bytes[n++] = StringCharCodeAt(HEX, high)
          bytes[n++] = StringCharCodeAt(HEX, low)
        } else {
          bytes[n++] = byte
        }
        i += 2
        continue
      }
    }
    if (code === 43 && plus) {
      bytes[n++] = 32
    } else if (code < 0x80) {
      bytes[n++] = code
    } else {
      const encoded = utf8Encode(StringSlice(text, i, code >= 0xd800 && code <= 0xdbff ? i + 2 : i + 1))
      for (let j = 0; j < bytesLength(encoded); j++) bytes[n++] = encoded[j]!
      if (code >= 0xd800 && code <= 0xdbff) i++
    }
  }
  const used = new Uint8ArrayCtor(n)
  for (let i = 0; i < n; i++) used[i] = bytes[i]!
  return utf8Decode(used)
}

/** Percent-encodes the UTF-8 bytes of every character `keep` refuses. */
function escapeWith(text: string, keep: (code: number) => boolean): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const code = StringCharCodeAt(text, i)
    if (code < 0x80 && keep(code)) {
      out += text[i]
      continue
    }
    const wide = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length
    const bytes = utf8Encode(StringSlice(text, i, wide ? i + 2 : i + 1))
    for (let j = 0; j < bytesLength(bytes); j++) out += `%${HEX[bytes[j]! >> 4]}${HEX[bytes[j]! & 15]}`
    if (wide) i++
  }
  return out
}

const isAlnum = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)

const PATH_SAFE = "!#$&'()*+,/:;=?@[]-_.~%"

/** kong.service.request.setPath's escaping: only what may not appear in a path is encoded. */
export function escapePath(path: string): string {
  return escapeWith(path, (code) => isAlnum(code) || StringIndexOf(PATH_SAFE, StringFromCharCode(code)) >= 0)
}

/** ngx.escape_uri: everything but letters, digits and `-._~`. */
function escapeComponent(text: string): string {
  return escapeWith(
    text,
    (code) => isAlnum(code) || code === 45 || code === 46 || code === 95 || code === 126,
  )
}

/**
 * kong.request.getPath: decodes escapes of non-reserved characters, upper-cases the rest,
 * removes dot segments and merges slashes (RFC 3986 §6, kong/tools/uri.lua `normalize`).
 */
export function normalizePath(raw: string): string {
  if (raw === '' || raw === '/') return raw
  let uri = percentDecode(raw, false, true)
  if (StringIndexOf(uri, '.') < 0 && StringIndexOf(uri, '//') < 0) return uri
  const segments: string[] = []
  let guard = uri.length + 2
  while (uri.length > 0 && guard-- > 0) {
    if (uri === '/.' || uri === '/..') {
      if (uri === '/..' && segments.length > 0) segments.length--
      uri = '/'
    } else if (uri === '.' || uri === '..') {
      uri = ''
    } else if (StringSlice(uri, 0, 3) === '../') {
      uri = StringSlice(uri, 3)
    } else if (StringSlice(uri, 0, 2) === './') {
      uri = StringSlice(uri, 2)
    } else if (StringSlice(uri, 0, 3) === '/./') {
      uri = StringSlice(uri, 2)
    } else if (StringSlice(uri, 0, 4) === '/../') {
      uri = StringSlice(uri, 3)
      if (segments.length > 0) segments.length--
    } else if (StringSlice(uri, 0, 2) === '//') {
      uri = StringSlice(uri, 1)
    } else {
      const next = StringIndexOf(uri, '/', 1)
      push(segments, next < 0 ? uri : StringSlice(uri, 0, next))
      uri = next < 0 ? '' : StringSlice(uri, next)
    }
  }
  let out = ''
  for (let i = 0; i < segments.length; i++) out += segments[i]
  return out
}

export type ArgValue = string | true
export type Args = Record<string, ArgValue | ArgValue[]>

/**
 * ngx.decode_args: `a=1&b&a=2` → `{ a: ['1', '2'], b: true }`; '+' is a space; at most `max`
 * arguments are read; empty keys are skipped.
 */
export function decodeArgs(raw: string, max: number): Args {
  const out: Args = {}
  let count = 0
  let start = 0
  while (start <= raw.length && count < max) {
    let end = StringIndexOf(raw, '&', start)
    if (end < 0) end = raw.length
    const segment = StringSlice(raw, start, end)
    start = end + 1
    if (segment === '') continue
    const eq = StringIndexOf(segment, '=')
    const key = percentDecode(eq < 0 ? segment : StringSlice(segment, 0, eq), true)
    if (key === '') continue
    const value: ArgValue = eq < 0 ? true : percentDecode(StringSlice(segment, eq + 1), true)
    count++
    const existing = own(out, key) as ArgValue | ArgValue[] | undefined
    if (existing === undefined) setKey(out, key, value)
    else if (typeof existing === 'object') push(existing, value)
    else setKey(out, key, [existing, value])
  }
  return out
}

/** The decoded name of each `&` segment, for kong.service.request.clearQueryArg. */
export function argName(segment: string): string {
  const eq = StringIndexOf(segment, '=')
  return percentDecode(eq < 0 ? segment : StringSlice(segment, 0, eq), true)
}

/**
 * kong.service.request.setQuery and setBody's form encoding (Kong's make_ordered_args): one
 * `&`-joined group per key, groups in lexicographical order, array values in their order;
 * `true` gives a bare key and `false` nothing.
 */
export function encodeArgs(args: Record<string, unknown>, keys: readonly string[]): string {
  const groups: string[] = []
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    const value = own(args, key)
    const group = encodeGroup(escapeComponent(key), value)
    if (group !== '') push(groups, group)
  }
  sortStrings(groups)
  let out = ''
  for (let i = 0; i < groups.length; i++) out += (i === 0 ? '' : '&') + groups[i]
  return out
}

function encodeGroup(key: string, value: unknown): string {
  if (value !== null && typeof value === 'object' && ArrayIsArray(value)) {
    let out = ''
    for (let i = 0; i < value.length; i++) {
      const item = value[i]
      if (item !== null && typeof item === 'object') throw new ArgError('a table')
      const one = encodeOne(key, item)
      if (one !== '') out += (out === '' ? '' : '&') + one
    }
    return out
  }
  return encodeOne(key, value)
}

function encodeOne(key: string, value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `${key}=${escapeComponent(value)}`
    case 'number':
      return `${key}=${escapeComponent(StringCtor(value))}`
    case 'boolean':
      return value ? key : ''
  }
  throw new ArgError(value === null || value === undefined ? 'nil' : 'a table')
}

/** ngx.encode_args's refusal: `attempt to use a table as query arg value`. */
export class ArgError {
  readonly message: string
  constructor(what: string) {
    this.message = `attempt to use ${what} as query arg value`
  }
}

/** Sorts strings by UTF-16 code units, with the captured sort. */
export function sortStrings(list: string[]): void {
  ArraySort(list, (a, b) => (a < b ? -1 : a > b ? 1 : 0))
}
