/**
 * multipart/form-data, both ways: parsing for getBody (lua-multipart's get_all_with_arrays:
 * name → value, or values when a name repeats) and building for kong.service.request.setBody.
 */
import {
  MathFloor,
  MathRandom,
  own,
  push,
  StringCtor,
  StringIndexOf,
  StringSlice,
  StringToLowerCase,
  setKey,
} from './intrinsics.isolate.ts'
import { sortStrings } from './uri.isolate.ts'

/** The boundary parameter of a Content-Type value (quoted or not), or null. */
function boundaryOf(contentType: string): string | null {
  const at = StringIndexOf(StringToLowerCase(contentType), 'boundary=')
  if (at < 0) return null
  let value = StringSlice(contentType, at + 9)
  if (value[0] === '"') {
    const close = StringIndexOf(value, '"', 1)
    value = close < 0 ? StringSlice(value, 1) : StringSlice(value, 1, close)
  } else {
    const semicolon = StringIndexOf(value, ';')
    if (semicolon >= 0) value = StringSlice(value, 0, semicolon)
  }
  return value === '' ? null : value
}

/** `name="a b"` or `name=a` from a Content-Disposition value. */
function dispositionName(value: string): string | null {
  const lower = StringToLowerCase(value)
  let at = -1
  for (let from = 0; from < lower.length; ) {
    const hit = StringIndexOf(lower, 'name=', from)
    if (hit < 0) break
    const before = hit === 0 ? ';' : lower[hit - 1]
    if (before === ';' || before === ' ' || before === '\t') {
      at = hit + 5
      break
    }
    from = hit + 5
  }
  if (at < 0) return null
  if (value[at] === '"') {
    const close = StringIndexOf(value, '"', at + 1)
    return close < 0 ? null : StringSlice(value, at + 1, close)
  }
  const end = StringIndexOf(value, ';', at)
  return StringSlice(value, at, end < 0 ? value.length : end)
}

export type Parts = Record<string, string | string[]>

export function parseMultipart(body: string, contentType: string): Parts | null {
  const boundary = boundaryOf(contentType)
  if (boundary === null) return null
  const delimiter = `--${boundary}`
  let at = StringIndexOf(body, delimiter)
  if (at < 0) return null
  const out: Parts = {}
  for (let guard = 0; guard < 100_000; guard++) {
    at += delimiter.length
    if (StringSlice(body, at, at + 2) === '--') return out
    const lineEnd = StringIndexOf(body, '\n', at)
    if (lineEnd < 0) return null
    const headersStart = lineEnd + 1
    let headersEnd = headersStart
    let contentStart = -1
    if (StringSlice(body, headersStart, headersStart + 2) === '\r\n') contentStart = headersStart + 2
    else if (body[headersStart] === '\n') contentStart = headersStart + 1
    else {
      const crlf = StringIndexOf(body, '\r\n\r\n', headersStart)
      const bare = StringIndexOf(body, '\n\n', headersStart)
      headersEnd = crlf >= 0 && (bare < 0 || crlf < bare) ? crlf : bare
      if (headersEnd < 0) return null
      contentStart = headersEnd + (headersEnd === crlf ? 4 : 2)
    }
    const next = StringIndexOf(body, delimiter, contentStart)
    if (next < 0) return null
    let contentEnd = next
    if (body[contentEnd - 1] === '\n') contentEnd--
    if (body[contentEnd - 1] === '\r') contentEnd--
    const name = partName(StringSlice(body, headersStart, headersEnd))
    if (name !== null) add(out, name, StringSlice(body, contentStart, contentEnd))
    at = next
  }
  return null
}

function partName(headers: string): string | null {
  let start = 0
  while (start < headers.length) {
    let end = StringIndexOf(headers, '\n', start)
    if (end < 0) end = headers.length
    const line = StringSlice(headers, start, headers[end - 1] === '\r' ? end - 1 : end)
    const colon = StringIndexOf(line, ':')
    if (colon > 0 && StringToLowerCase(StringSlice(line, 0, colon)) === 'content-disposition') {
      return dispositionName(StringSlice(line, colon + 1))
    }
    start = end + 1
  }
  return null
}

function add(out: Parts, name: string, value: string): void {
  const existing = own(out, name) as string | string[] | undefined
  if (existing === undefined) setKey(out, name, value)
  else if (typeof existing === 'string') setKey(out, name, [existing, value])
  else push(existing, value)
}

/** Kong's multipart encoding: parts in key order; a new boundary when a value contains it. */
export function buildMultipart(
  fields: Record<string, string>,
  keys: string[],
  contentType: string,
): { body: string; contentType: string } {
  let boundary = boundaryOf(contentType)
  sortStrings(keys)
  for (let tries = 0; tries < 20; tries++) {
    if (boundary === null) boundary = StringCtor(MathFloor(MathRandom() * 1e10))
    const check = `\n--${boundary}`
    let clash = false
    for (let i = 0; i < keys.length && !clash; i++) clash = StringIndexOf(fields[keys[i]!]!, check) >= 0
    if (!clash) break
    boundary = null
  }
  boundary ??= StringCtor(MathFloor(MathRandom() * 1e10))
  let body = ''
  for (let i = 0; i < keys.length; i++) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${keys[i]}"\r\n\r\n${fields[keys[i]!]}\r\n`
  }
  body += `--${boundary}--\r\n`
  return { body, contentType: `multipart/form-data; boundary=${boundary}` }
}
