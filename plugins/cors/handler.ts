import type { AccessKong, HeaderFilterKong, Plugin } from 'isogate/sdk'
import { allowedOrigins, normalizeOrigin, originAllowed, PLAIN_ORIGIN } from './origins.ts'
import { type Config, METHODS } from './schema.ts'

type Kong = AccessKong | HeaderFilterKong

/** A preflight answer is a fresh response (set); the filter adds to what the upstream sent. */
function varyOrigin(kong: Kong, inHeaderFilter: boolean): void {
  if (inHeaderFilter) kong.response.addHeader('Vary', 'Origin')
  else kong.response.setHeader('Vary', 'Origin')
}

/**
 * Sets Access-Control-Allow-Origin as Kong does; answers whether every origin is allowed (`*`).
 * A single plain origin is sent as is; otherwise the request's origin is echoed when it matches.
 */
function configureOrigin(
  kong: Kong,
  conf: Config,
  inHeaderFilter: boolean,
  requestOrigin: string | null,
): boolean {
  const origins = conf.origins ?? []
  if (origins.length === 0 || (origins.length === 1 && origins[0] === '*')) {
    kong.response.setHeader('Access-Control-Allow-Origin', '*')
    return true
  }
  // Always vary on Origin: caches key on it.
  varyOrigin(kong, inHeaderFilter)
  const single = origins.length === 1 ? origins[0] : undefined
  if (single !== undefined && PLAIN_ORIGIN.test(single)) {
    kong.response.setHeader('Access-Control-Allow-Origin', single)
    return false
  }
  if (requestOrigin !== null) {
    const allowed = allowedOrigins(origins)
    if (allowed.any) {
      kong.response.setHeader('Access-Control-Allow-Origin', '*')
      return true
    }
    const normalized = normalizeOrigin(requestOrigin)
    if (originAllowed(allowed, normalized, (message) => kong.log.err(message))) {
      kong.response.setHeader('Access-Control-Allow-Origin', normalized.domain)
      return false
    }
  }
  kong.response.clearHeader('Access-Control-Allow-Origin')
  return false
}

/** Credentials cannot go with `*`: then the request's origin is echoed instead. */
function configureCredentials(
  kong: Kong,
  conf: Config,
  allowAll: boolean,
  inHeaderFilter: boolean,
  requestOrigin: string | null,
): void {
  if (!conf.credentials) return
  if (!allowAll) {
    kong.response.setHeader('Access-Control-Allow-Credentials', 'true')
    return
  }
  if (requestOrigin === null) return
  varyOrigin(kong, inHeaderFilter)
  kong.response.setHeader('Access-Control-Allow-Origin', requestOrigin)
  kong.response.setHeader('Access-Control-Allow-Credentials', 'true')
}

/**
 * Kong's cors: preflight requests (OPTIONS with Origin and Access-Control-Request-Method) are
 * answered 200 with the CORS headers, unless `preflight_continue` sends them upstream; every
 * other response gets Access-Control-Allow-Origin (and credentials, exposed headers) in
 * headerFilter.
 */
export default {
  priority: 2000,
  version: '1.0.0',
  access(kong, conf) {
    const origin = kong.request.getHeader('Origin')
    if (
      kong.request.getMethod() !== 'OPTIONS' ||
      origin === null ||
      kong.request.getHeader('Access-Control-Request-Method') === null
    ) {
      return
    }
    // A preflight: either the upstream answers it or we do, with every header set here.
    kong.ctx.plugin.skipResponseHeaders = true
    if (conf.preflight_continue) return

    const allowAll = configureOrigin(kong, conf, false, origin)
    configureCredentials(kong, conf, allowAll, false, origin)
    if (conf.headers && conf.headers.length > 0) {
      kong.response.setHeader('Access-Control-Allow-Headers', conf.headers.join(','))
    } else {
      const requested = kong.request.getHeader('Access-Control-Request-Headers')
      if (requested !== null) kong.response.setHeader('Access-Control-Allow-Headers', requested)
      else kong.response.clearHeader('Access-Control-Allow-Headers')
    }
    const methods = conf.methods.length > 0 ? conf.methods : METHODS
    kong.response.setHeader('Access-Control-Allow-Methods', methods.join(','))
    if (conf.max_age !== undefined) kong.response.setHeader('Access-Control-Max-Age', String(conf.max_age))
    if (conf.private_network && kong.request.getHeader('Access-Control-Request-Private-Network') === 'true') {
      kong.response.setHeader('Access-Control-Allow-Private-Network', 'true')
    }
    return kong.response.exit(200)
  },
  headerFilter(kong, conf) {
    if (kong.ctx.plugin.skipResponseHeaders) return
    const origin = kong.request.getHeader('Origin')
    if (origin === null && !conf.allow_origin_absent) return
    const allowAll = configureOrigin(kong, conf, true, origin)
    configureCredentials(kong, conf, allowAll, true, origin)
    if (conf.exposed_headers && conf.exposed_headers.length > 0) {
      kong.response.setHeader('Access-Control-Expose-Headers', conf.exposed_headers.join(','))
    }
  },
} satisfies Plugin<Config>
