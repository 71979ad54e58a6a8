import type { Headers } from '../../runtime/protocol.ts'
import type { FakeRequest } from './types.ts'

/** The request runPlugin sends to the proxy: a raw target, as a client would write it. */
export interface ClientRequest {
  method: string
  /** Path and `?query`, unnormalised. */
  target: string
  headers: Headers
  body: string | undefined
}

export function lowerCased(headers: Record<string, string | string[]> = {}): Headers {
  const out: Headers = {}
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = Array.isArray(value) ? [...value] : value
  }
  return out
}

/** Arguments as a raw query string, encoded like Kong's `encode_args` (spaces as %20). */
function rawQuery(query: FakeRequest['query'], fromPath: string): string {
  if (query === undefined) return fromPath
  if (typeof query === 'string') return query.replace(/^\?/, '')
  const encode = encodeURIComponent
  return Object.entries(query)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map((v) => `${encode(key)}=${encode(v)}`),
    )
    .join('&')
}

/** Unless the test says otherwise, a request the route matches: its first plain path, host and method. */
export function clientRequest(request: FakeRequest): ClientRequest {
  const route = request.route ?? {}
  const given = request.path ?? route.paths?.find((path) => !path.startsWith('~')) ?? '/'
  const mark = given.indexOf('?')
  const path = mark === -1 ? given : given.slice(0, mark)
  const query = rawQuery(request.query, mark === -1 ? '' : given.slice(mark + 1))
  const headers = lowerCased(request.headers)
  headers.host ??= route.hosts?.[0]?.replace('*', 'test') ?? 'localhost'
  return {
    method: (request.method ?? route.methods?.[0] ?? 'GET').toUpperCase(),
    target: query === '' ? path : `${path}?${query}`,
    headers,
    body: request.body,
  }
}

/** Fields runPlugin decides: set last, so the upstream stays the fake one. */
const OWN_SERVICE_FIELDS = ['protocol', 'host', 'port', 'url', 'ws_id']

/** The Admin API body of the route's service: the test's fields, pointed at the fake upstream. */
export function serviceBody(fields: FakeRequest['service'], upstreamUrl: string): Record<string, unknown> {
  const given = Object.entries(fields ?? {}).filter(([name]) => !OWN_SERVICE_FIELDS.includes(name))
  const { protocol, hostname, port } = new URL(upstreamUrl)
  return {
    name: 'test-service',
    ...Object.fromEntries(given),
    protocol: protocol.replace(':', ''),
    host: hostname,
    port: Number(port),
  }
}

/**
 * The Admin API body of the route: the test's fields over `/` for every method, without path
 * stripping and keeping the client's Host (so the upstream sees the request as the plugin did).
 */
export function routeBody(fields: FakeRequest['route'], serviceId: string): Record<string, unknown> {
  const { ws_id: _ws, ...given } = fields ?? {}
  return {
    name: 'test-route',
    paths: ['/'],
    strip_path: false,
    preserve_host: true,
    ...given,
    service: { id: serviceId },
  }
}
