import type { Headers, RequestState, RouteInfo, ServiceInfo } from '../../runtime/protocol.ts'
import type { PluginRequestInfo } from '../proxy/index.ts'

/** Repeated headers stay a list, as Kong's kong.request.getHeaders gives them (node:http's `headers` joins them with ', '). */
const copyHeaders = (headers: Record<string, string[] | undefined>): Headers => {
  const out: Headers = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = value.length === 1 ? (value[0] as string) : [...value]
  }
  return out
}

type Match = NonNullable<PluginRequestInfo['match']>
type RouteEntity = NonNullable<Match['route']>
type ServiceEntity = NonNullable<Match['service']>

// One info object per route and service entity of the running configuration: a request's full
// state then carries the same object as the last one an isolate saw, so it can be left out
// (PhaseCall.reuse). Entities of a replaced configuration go with their snapshot.
const routeInfos = new WeakMap<RouteEntity, RouteInfo>()
const serviceInfos = new WeakMap<ServiceEntity, ServiceInfo>()

function cached<E extends object, I>(cache: WeakMap<E, I>, entity: E, copy: (entity: E) => I): I {
  let info = cache.get(entity)
  if (info === undefined) {
    info = copy(entity)
    cache.set(entity, info)
  }
  return info
}

const copyRoute = (route: RouteEntity): RouteInfo => ({
  id: route.id,
  name: route.name,
  paths: route.paths,
  hosts: route.hosts,
  methods: route.methods,
  protocols: route.protocols,
  tags: route.tags,
  ws_id: route.ws_id,
})

const copyService = (service: ServiceEntity): ServiceInfo => ({
  id: service.id,
  name: service.name,
  protocol: service.protocol,
  host: service.host,
  port: service.port,
  path: service.path,
  retries: service.retries,
  connect_timeout: service.connect_timeout,
  write_timeout: service.write_timeout,
  read_timeout: service.read_timeout,
  tags: service.tags,
  ws_id: service.ws_id,
})

/** The readable state of a request as the isolates get it, built once when plugins begin. */
export function requestState(info: PluginRequestInfo, workspace: { id: string; name: string }): RequestState {
  const { req, match } = info
  const route = match?.route ?? null
  const service = match?.service ?? null
  return {
    id: info.requestId,
    startedAt: info.startedAtMs,
    scheme: 'http',
    host: info.host,
    port: info.port,
    method: req.method ?? 'GET',
    path: info.path,
    rawQuery: info.rawQuery,
    headers: copyHeaders(req.headersDistinct),
    client: {
      ip: info.clientIp,
      port: req.socket.remotePort ?? 0,
      forwardedIp: info.clientIp,
      forwardedPort: info.port,
      protocol: 'http',
    },
    route: route && cached(routeInfos, route, copyRoute),
    service: service && cached(serviceInfos, service, copyService),
    uriCaptures: match?.uriCaptures ?? null,
    workspace,
    consumer: null,
    credential: null,
    shared: {},
    upstream: {
      method: req.method ?? 'GET',
      path: match?.upstreamPath ?? info.path,
      rawQuery: info.rawQuery,
      prefix: match?.prefix ?? null,
    },
    httpVersion: Number(req.httpVersion) || 1.1,
    response: null,
    serviceResponse: null,
  }
}

/** Values an isolate already holds in its view of the request: sent to it, or set by its own calls. */
export interface KnownState {
  consumer: RequestState['consumer']
  credential: RequestState['credential']
  shared: RequestState['shared']
}

/**
 * What changes during a request: sent again on every call after an isolate's first, except the
 * consumer, credential and kong.ctx.shared the isolate already holds (the same objects as when it
 * last saw them: nobody changed them since, or its own call did).
 */
export function stateDelta(state: RequestState, known: KnownState | undefined): Partial<RequestState> {
  const delta: Partial<RequestState> = {
    method: state.method,
    rawQuery: state.rawQuery,
    headers: state.headers,
    upstream: state.upstream,
    response: state.response,
    serviceResponse: state.serviceResponse,
  }
  if (known?.consumer !== state.consumer) delta.consumer = state.consumer
  if (known?.credential !== state.credential) delta.credential = state.credential
  if (known?.shared !== state.shared) delta.shared = state.shared
  return delta
}
