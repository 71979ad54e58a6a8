/**
 * Request path normalisation as Kong 3.x does before routing (`kong/tools/uri.lua` `normalize`, called
 * with merge_slashes by `kong/router/utils.lua` `strip_uri_args`), and the escaping Kong applies to the
 * upstream URI before sending it (`escape` in the same file, used by `kong/runloop/handler.lua`).
 */

/** Characters whose percent-encoding carries meaning (RFC 3986 reserved, plus `%`): kept encoded. */
const RESERVED = "!*'();:@&=+$,/?%#[]"
const KEEP_ENCODED = new Uint8Array(128)
for (const c of RESERVED) KEEP_ENCODED[c.charCodeAt(0)] = 1

const utf8 = new TextDecoder('utf-8', { fatal: true })
const HEX = '0123456789ABCDEF'

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48
  const lower = code | 0x20
  if (lower >= 97 && lower <= 102) return lower - 87
  return -1
}

function encodeByte(b: number): string {
  return '%' + HEX[b >> 4] + HEX[b & 15]
}

/**
 * Decodes percent-encoded triplets except reserved characters (those are upper-cased instead).
 * Kong decodes to raw bytes; a JS string needs characters, so a run of decoded bytes becomes its UTF-8
 * text, and a run that is not valid UTF-8 stays encoded (it reaches the upstream encoded either way).
 */
function percentDecode(path: string): string {
  let out = ''
  let bytes: number[] = []
  const flush = () => {
    if (bytes.length === 0) return
    try {
      out += utf8.decode(Uint8Array.from(bytes))
    } catch {
      for (const b of bytes) out += encodeByte(b)
    }
    bytes = []
  }
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i)
    if (c === 37 && i + 2 < path.length) {
      const hi = hexValue(path.charCodeAt(i + 1))
      const lo = hexValue(path.charCodeAt(i + 2))
      if (hi >= 0 && lo >= 0) {
        const b = (hi << 4) | lo
        if (b < 128 && KEEP_ENCODED[b] === 1) {
          flush()
          out += encodeByte(b)
        } else {
          bytes.push(b)
        }
        i += 2
        continue
      }
    }
    flush()
    out += path[i]
  }
  flush()
  return out
}

/** RFC 3986 §5.2.4 dot-segment removal, Kong's variant (also merges `//` into `/`). */
function removeDotSegments(input: string): string {
  const output: string[] = []
  let uri = input
  // Each step consumes at least one character, so the loop is bounded by the input length.
  while (uri.length > 0) {
    if (uri === '/.') {
      uri = '/'
    } else if (uri === '/..') {
      uri = '/'
      output.pop()
    } else if (uri === '.' || uri === '..') {
      uri = ''
    } else if (uri.startsWith('../')) {
      uri = uri.slice(3)
    } else if (uri.startsWith('./')) {
      uri = uri.slice(2)
    } else if (uri.startsWith('/./')) {
      uri = uri.slice(2)
    } else if (uri.startsWith('/../')) {
      uri = uri.slice(3)
      output.pop()
    } else if (uri.startsWith('//')) {
      uri = uri.slice(1)
    } else {
      const next = uri.indexOf('/', 1)
      if (next === -1) {
        output.push(uri)
        uri = ''
      } else {
        output.push(uri.slice(0, next))
        uri = uri.slice(next)
      }
    }
  }
  return output.join('')
}

/** The path Kong matches routes against: unreserved escapes decoded, dot segments removed, `//` merged. */
export function normalizePath(path: string): string {
  if (path === '' || path === '/') return path
  let uri = path
  if (uri.includes('%')) uri = percentDecode(uri)
  if (!uri.includes('.') && !uri.includes('//')) return uri
  return removeDotSegments(uri)
}

const NEEDS_ESCAPE = /[^!#$&'()*+,/:;=?@[\]A-Za-z0-9\-_.~%]/

/** Percent-encodes what may not appear raw in a request line (Kong's `escape`), keeping `%` as is. */
export function escapePath(path: string): string {
  if (!NEEDS_ESCAPE.test(path)) return path
  let out = ''
  for (const ch of path) {
    if (ch.length === 1 && !NEEDS_ESCAPE.test(ch)) {
      out += ch
      continue
    }
    for (const b of Buffer.from(ch, 'utf8')) out += encodeByte(b)
  }
  return out
}
