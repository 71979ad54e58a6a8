/** Characters Kong accepts in a plain path: RFC 3986 unreserved, sub-delims, ':', '@', '/', '%'. */
const RFC3986_PATH = /^\/[A-Za-z0-9._~/%:@!$&'()*+,;=-]*$/

/** Kong's percent-encoding check: every '%' must start a two-digit hex escape. */
function percentError(path: string): string | null {
  const raw = path.replace(/%[0-9A-Fa-f]{2}/g, '___')
  const at = raw.indexOf('%')
  return at === -1 ? null : `invalid url-encoded value: '${raw.slice(at, at + 3)}'`
}

/** typedefs.path's custom validator (service paths). */
export function validatePath(path: string): string | null {
  if (!RFC3986_PATH.test(path)) {
    return `invalid path: '${path}' (characters outside of the reserved list of RFC 3986 found)`
  }
  return percentError(path)
}

const UNRESERVED = /[A-Za-z0-9\-._~]/

/** Kong's `uri.normalize(path, true)`: decode unreserved escapes, upper-case the rest, drop dot segments, merge slashes. */
export function normalizePath(path: string): string {
  const decoded = path.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16))
    return UNRESERVED.test(char) ? char : encoded.toUpperCase()
  })
  const output: string[] = []
  const segments = decoded.replace(/\/{2,}/g, '/').split('/')
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1
    if (segment === '.') {
      if (last) output.push('')
    } else if (segment === '..') {
      if (output.length > 1) output.pop()
      if (last) output.push('')
    } else {
      output.push(segment)
    }
  }
  return output.join('/') || '/'
}

/** typedefs.router_path's custom validator: plain paths must be normalised, `~` paths valid regexes. */
export function validateRouterPath(path: string): string | null {
  const percent = percentError(path)
  if (percent) return percent
  if (!path.startsWith('~')) {
    const normalized = normalizePath(path)
    return normalized === path ? null : `non-normalized path, consider use '${normalized}' instead`
  }
  try {
    new RegExp(path.slice(1))
    return null
  } catch (error) {
    return `invalid regex: '${path.slice(1)}' (PCRE returned: ${(error as Error).message})`
  }
}
