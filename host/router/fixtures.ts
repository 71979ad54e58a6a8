/** Test fixtures for the router's unit tests: Kong-default rows and requests. */
import type { Route, Service } from '../entities/types.ts'
import type { RouteRequest } from './types.ts'

export const WS_DEFAULT = '00000000-0000-4000-8000-000000000001'

let counter = 0

/** A v4-shaped uuid whose order follows creation (tests that need a given order pass `id`). */
function nextId(): string {
  counter++
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`
}

export function makeService(fields: Partial<Service> = {}): Service {
  return {
    id: nextId(),
    ws_id: WS_DEFAULT,
    created_at: 1_700_000_000,
    updated_at: 1_700_000_000,
    name: null,
    retries: 5,
    protocol: 'http',
    host: 'upstream.test',
    port: 80,
    path: null,
    connect_timeout: 60_000,
    write_timeout: 60_000,
    read_timeout: 60_000,
    tags: null,
    client_certificate: null,
    tls_verify: null,
    tls_verify_depth: null,
    ca_certificates: null,
    enabled: true,
    ...fields,
  }
}

export function makeRoute(fields: Partial<Route> = {}): Route {
  return {
    id: nextId(),
    ws_id: WS_DEFAULT,
    created_at: 1_700_000_000,
    updated_at: 1_700_000_000,
    name: null,
    protocols: ['http', 'https'],
    methods: null,
    hosts: null,
    paths: null,
    headers: null,
    https_redirect_status_code: 426,
    regex_priority: 0,
    strip_path: true,
    path_handling: 'v0',
    preserve_host: false,
    request_buffering: true,
    response_buffering: true,
    snis: null,
    sources: null,
    destinations: null,
    tags: null,
    service: null,
    ...fields,
  }
}

/** A request; `host` may carry a port (`example.com:8080`), split the way the proxy will. */
export function makeRequest(fields: Partial<RouteRequest> & { hostHeader?: string } = {}): RouteRequest {
  const { hostHeader = 'example.test', ...rest } = fields
  const colon = hostHeader.lastIndexOf(':')
  const host = colon === -1 ? hostHeader : hostHeader.slice(0, colon)
  const port = colon === -1 ? 80 : Number(hostHeader.slice(colon + 1))
  return {
    method: 'GET',
    host: host.toLowerCase(),
    port,
    path: '/',
    scheme: 'http',
    ...rest,
    headers: { host: hostHeader, ...rest.headers },
  }
}
