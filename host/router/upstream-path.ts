/**
 * How the Service path and the request path are joined into the upstream path.
 * `v0`: `get_upstream_uri_v0` in `kong/router/utils.lua` (the only algorithm of Kong 3.x's
 * traditional_compatible/expressions routers); `v1`: the 1.x algorithm still kept by Kong 3.x's
 * `kong/router/traditional.lua` and documented in the Admin API's "Path handling algorithms" table.
 */

export interface UpstreamPathInput {
  pathHandling: 'v0' | 'v1'
  stripPath: boolean
  /** `service.path`, `/` when the service has none (or when there is no service). */
  servicePath: string
  /** The normalised request path. */
  requestPath: string
  /** The part of the request path the route's path matched (prefix, or the regex's whole match). */
  matchedPath: string | null
}

/** `sanitize_uri_postfix`: a leftover that starts with a dot segment must not climb out of the base. */
function sanitizePostfix(postfix: string): string {
  if (postfix === '.' || postfix === '..') return ''
  if (postfix.startsWith('./')) return postfix.slice(2)
  if (postfix.startsWith('../')) return postfix.slice(3)
  return postfix
}

function joinV0(base: string, stripPath: boolean, postfix: string, requestPath: string): string {
  if (base.endsWith('/')) {
    if (!stripPath) return base + requestPath.slice(1)
    if (postfix === '') {
      if (base === '/') return '/'
      return requestPath.endsWith('/') ? base : base.slice(0, -1)
    }
    return postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix
  }
  if (!stripPath) return requestPath === '/' ? base : base + requestPath
  if (postfix === '') return requestPath.length > 1 && requestPath.endsWith('/') ? base + '/' : base
  return postfix.startsWith('/') ? base + postfix : base + '/' + postfix
}

function joinV1(base: string, stripPath: boolean, postfix: string, requestPath: string): string {
  if (!stripPath) return base + requestPath.slice(1)
  return base.endsWith('/') && postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix
}

/** The upstream path (not yet escaped, no query string). */
export function upstreamPath(input: UpstreamPathInput): string {
  const { servicePath, requestPath, matchedPath, stripPath } = input
  if (input.pathHandling === 'v1') {
    const postfix =
      matchedPath === null ? requestPath.slice(1) : sanitizePostfix(requestPath.slice(matchedPath.length))
    return joinV1(servicePath, stripPath, postfix, requestPath)
  }
  const prefix = stripPath && matchedPath !== null ? matchedPath : '/'
  const postfix = sanitizePostfix(requestPath.slice(prefix.length))
  return joinV0(servicePath, stripPath, postfix, requestPath)
}
