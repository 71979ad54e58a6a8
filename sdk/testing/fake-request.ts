import { randomUUID } from 'node:crypto'
import type { Headers, RequestState, RouteInfo, ServiceInfo } from '../../runtime/protocol.ts'
import type { FakeRequest } from './types.ts'

/** The workspace every fake request runs in. */
export const WORKSPACE = { id: '00000000-0000-4000-8000-000000000001', name: 'default' } as const
const PROXY_PORT = 8000

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

function route(fields: Partial<RouteInfo> = {}): RouteInfo {
  return {
    id: '00000000-0000-4000-8000-000000000002',
    name: 'test-route',
    paths: ['/'],
    hosts: null,
    methods: null,
    protocols: ['http', 'https'],
    tags: null,
    ws_id: WORKSPACE.id,
    ...fields,
  }
}

function service(fields: Partial<ServiceInfo> = {}): ServiceInfo {
  return {
    id: '00000000-0000-4000-8000-000000000003',
    name: 'test-service',
    protocol: 'http',
    host: 'upstream.test',
    port: 80,
    path: null,
    retries: 5,
    connect_timeout: 60000,
    write_timeout: 60000,
    read_timeout: 60000,
    tags: null,
    ws_id: WORKSPACE.id,
    ...fields,
  }
}

/**
 * The request state the gateway would build for this request on a matched route (route `/`
 * without path stripping, so the upstream path starts as the client's path).
 */
export function fakeRequestState(request: FakeRequest): RequestState {
  const given = request.path ?? '/'
  const mark = given.indexOf('?')
  const path = mark === -1 ? given : given.slice(0, mark)
  const query = rawQuery(request.query, mark === -1 ? '' : given.slice(mark + 1))
  const method = (request.method ?? 'GET').toUpperCase()
  const headers = lowerCased(request.headers)
  headers.host ??= 'localhost'
  const hostHeader = Array.isArray(headers.host) ? (headers.host[0] ?? '') : headers.host
  return {
    id: randomUUID(),
    startedAt: Date.now(),
    scheme: 'http',
    host: hostHeader.replace(/:\d+$/, ''),
    port: PROXY_PORT,
    method,
    path,
    rawQuery: query,
    headers,
    client: {
      ip: '127.0.0.1',
      port: 40000,
      forwardedIp: '127.0.0.1',
      forwardedPort: PROXY_PORT,
      protocol: 'http',
    },
    route: route(request.route),
    service: service(request.service),
    uriCaptures: null,
    workspace: { ...WORKSPACE },
    consumer: request.consumer ?? null,
    credential: null,
    shared: {},
    upstream: { method, path, rawQuery: query, prefix: null },
    httpVersion: 1.1,
    response: null,
    serviceResponse: null,
  }
}
