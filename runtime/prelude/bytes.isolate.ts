/**
 * UTF-8 and base64 for a bare V8 context (no TextEncoder, no atob, no Buffer). Bodies cross the
 * bridge as strings (UTF-8 text) or base64 (bodyFilter chunks); plugin code sees strings.
 */
import {
  bytesLength,
  MathMax,
  MathMin,
  ReflectApply,
  StringCharCodeAt,
  StringCodePointAt,
  StringFromCharCode,
  Uint8ArrayCtor,
} from './intrinsics.isolate.ts'

const CHUNK = 4096

/** Code units → string, in slices (one huge apply would overflow the stack). */
function fromCodeUnits(units: number[], count: number): string {
  let out = ''
  for (let start = 0; start < count; start += CHUNK) {
    const slice: number[] = []
    const end = MathMin(start + CHUNK, count)
    for (let i = start; i < end; i++) slice[i - start] = units[i]!
    out += ReflectApply(StringFromCharCode, undefined, slice)
  }
  return out
}

export function utf8Encode(text: string): Uint8Array {
  const out = new Uint8ArrayCtor(text.length * 3)
  let n = 0
  for (let i = 0; i < text.length; i++) {
    let code = StringCodePointAt(text, i)!
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd // lone surrogate
    if (code < 0x80) {
      out[n++] = code
    } else if (code < 0x800) {
      out[n++] = 0xc0 | (code >> 6)
      out[n++] = 0x80 | (code & 0x3f)
    } else if (code < 0x10000) {
      out[n++] = 0xe0 | (code >> 12)
      out[n++] = 0x80 | ((code >> 6) & 0x3f)
      out[n++] = 0x80 | (code & 0x3f)
    } else {
      out[n++] = 0xf0 | (code >> 18)
      out[n++] = 0x80 | ((code >> 12) & 0x3f)
      out[n++] = 0x80 | ((code >> 6) & 0x3f)
      out[n++] = 0x80 | (code & 0x3f)
      i++ // the low surrogate
    }
  }
  return head(out, n)
}

/** The first `n` bytes, copied (`subarray` and `slice` consult a patchable species constructor). */
function head(bytes: Uint8Array, n: number): Uint8Array {
  if (n === bytesLength(bytes)) return bytes
  const out = new Uint8ArrayCtor(n)
  for (let i = 0; i < n; i++) out[i] = bytes[i]!
  return out
}

/** Bytes → string; invalid sequences become U+FFFD, like TextDecoder without `fatal`. */
export function utf8Decode(bytes: Uint8Array): string {
  const length = bytesLength(bytes)
  const units: number[] = []
  let n = 0
  let i = 0
  while (i < length) {
    const first = bytes[i]!
    let need = 0
    let code = 0
    let min = 0
    if (first < 0x80) {
      units[n++] = first
      i++
      continue
    } else if (first >= 0xc2 && first <= 0xdf) {
      need = 1
      code = first & 0x1f
      min = 0x80
    } else if (first >= 0xe0 && first <= 0xef) {
      need = 2
      code = first & 0x0f
      min = 0x800
    } else if (first >= 0xf0 && first <= 0xf4) {
      need = 3
      code = first & 0x07
      min = 0x10000
    } else {
      units[n++] = 0xfffd
      i++
      continue
    }
    let j = 1
    for (; j <= need; j++) {
      if (i + j >= length) break
      const next = bytes[i + j]!
      if ((next & 0xc0) !== 0x80) break
      code = (code << 6) | (next & 0x3f)
    }
    if (j <= need || code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      units[n++] = 0xfffd
      i += MathMax(j, 1)
      continue
    }
    i += need + 1
    if (code >= 0x10000) {
      code -= 0x10000
      units[n++] = 0xd800 | (code >> 10)
      units[n++] = 0xdc00 | (code & 0x3ff)
    } else {
      units[n++] = code
    }
  }
  return fromCodeUnits(units, n)
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DECODE: number[] = []
for (let i = 0; i < 128; i++) DECODE[i] = -1
for (let i = 0; i < ALPHABET.length; i++) DECODE[StringCharCodeAt(ALPHABET, i)] = i
DECODE[StringCharCodeAt('-', 0)] = 62 // base64url, accepted too
DECODE[StringCharCodeAt('_', 0)] = 63

export function base64Encode(bytes: Uint8Array): string {
  const length = bytesLength(bytes)
  const units: number[] = []
  let n = 0
  const code = (index: number): number => StringCharCodeAt(ALPHABET, index)
  let i = 0
  for (; i + 2 < length; i += 3) {
    const triple = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    units[n++] = code(triple >> 18)
    units[n++] = code((triple >> 12) & 63)
    units[n++] = code((triple >> 6) & 63)
    units[n++] = code(triple & 63)
  }
  const rest = length - i
  if (rest > 0) {
    const triple = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0)
    units[n++] = code(triple >> 18)
    units[n++] = code((triple >> 12) & 63)
    units[n++] = rest === 2 ? code((triple >> 6) & 63) : 61
    units[n++] = 61
  }
  return fromCodeUnits(units, n)
}

/** Lenient: characters outside the alphabet (whitespace, padding) are skipped. */
export function base64Decode(text: string): Uint8Array {
  const out = new Uint8ArrayCtor(((text.length * 3) >> 2) + 3)
  let n = 0
  let buffer = 0
  let bits = 0
  for (let i = 0; i < text.length; i++) {
    const c = StringCharCodeAt(text, i)
    const value = c < 128 ? DECODE[c]! : -1
    if (value < 0) continue
    buffer = ((buffer << 6) | value) & 0xffffff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[n++] = (buffer >> bits) & 0xff
    }
  }
  return head(out, n)
}

/** Concatenates byte chunks. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (let i = 0; i < chunks.length; i++) length += bytesLength(chunks[i]!)
  const out = new Uint8ArrayCtor(length)
  let at = 0
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!
    const size = bytesLength(chunk)
    for (let j = 0; j < size; j++) out[at + j] = chunk[j]!
    at += size
  }
  return out
}
