import type { AccessKong, Plugin } from 'isogate/sdk'
import type { Config } from './schema.ts'

/** Kong's messages for the statuses it has one for; other statuses answer without a body. */
const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  404: 'Not found',
  405: 'Method not allowed',
  500: 'An unexpected error occurred',
  502: 'Bad Gateway',
  503: 'Service unavailable',
}

/** A header of that name (case-insensitive, `_` for `-`) or a query argument (exact name). */
function triggered(kong: AccessKong, trigger: string): boolean {
  return kong.request.getHeader(trigger) !== null || kong.request.getQueryArg(trigger) !== null
}

/** The PDK's body readers reject where Kong returns nil (no content type, bad JSON, unreadable body). */
async function orNothing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read()
  } catch {
    return undefined
  }
}

/** The echo answer: Kong's fields except `kong.worker_pid` (an isolate has no process id). */
async function echo(kong: AccessKong, status: number, message: string | undefined): Promise<never> {
  const request = {
    scheme: kong.request.getScheme(),
    host: kong.request.getHost(),
    port: kong.request.getPort(),
    headers: kong.request.getHeaders(),
    query: kong.request.getQuery(),
    body: await orNothing(() => kong.request.getBody()),
    raw_body: await orNothing(() => kong.request.getRawBody()),
    method: kong.request.getMethod(),
    path: kong.request.getPath(),
    uri_captures: kong.request.getUriCaptures(),
  }
  return kong.response.exit(status, {
    message,
    kong: { node_id: kong.node.getId(), hostname: kong.node.getHostname() },
    request,
    matched_route: kong.router.getRoute(),
    matched_service: kong.router.getService(),
  })
}

/**
 * Kong's request-termination: answers every request itself (status, message, raw body or an
 * echo of the request), or only those carrying `trigger`. Synchronous unless it echoes (the echo
 * reads the body).
 */
export default {
  priority: 2,
  version: '1.0.0',
  access(kong, conf) {
    if (conf.trigger !== undefined && !triggered(kong, conf.trigger)) return
    const status = conf.status_code
    const message = conf.message ?? DEFAULT_MESSAGES[status]
    if (conf.echo) return echo(kong, status, message)
    if (conf.body !== undefined) {
      const headers: Record<string, string> = {}
      if (conf.content_type !== undefined) headers['Content-Type'] = conf.content_type
      return kong.response.exit(status, conf.body, headers)
    }
    return kong.response.exit(status, message === undefined ? null : { message })
  },
} satisfies Plugin<Config>
