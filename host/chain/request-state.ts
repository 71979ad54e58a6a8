import type { Headers, RequestState, RouteInfo, ServiceInfo } from '../../runtime/protocol.ts'
import type { PluginRequestInfo } from '../proxy/index.ts'
import type { RequestModel } from './request-model.ts'

/**
 * The client's headers from node:http's raw lines, as the isolates parse the same lines
 * (runtime/prelude/base-state.isolate.ts): lower-cased names, a repeated header as the list of its
 * values (Kong's kong.request.getHeaders; node:http's `headers` joins them with ', '). No
 * prototype: a client's `__proto__` header is a header like any other.
 */
function headersFromRaw(raw: readonly string[]): Headers {
  const out: Headers = Object.create(null)
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase()
    const value = raw[i + 1] as string
    const existing = out[name]
    if (existing === undefined) out[name] = value
    else if (typeof existing === 'string') out[name] = [existing, value]
    else existing.push(value)
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
    headers: headersFromRaw(req.rawHeaders),
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

/** What an isolate's view of the request holds after its last call (sent, or made by its own calls). */
export interface KnownState {
  consumer: RequestState['consumer']
  credential: RequestState['credential']
  shared: RequestState['shared']
  /** RequestModel.requestVersion / responseVersion the view matches (setters change objects in place). */
  requestVersion: number
  responseVersion: number
  /** The host replaces these objects as the request moves on (response, headerFilter, log). */
  response: RequestState['response']
  serviceResponse: RequestState['serviceResponse']
  logInfo: RequestState['logInfo']
}

/** The view an isolate holds after a successful call: what it was sent, and what its own setters made. */
export function knownState(model: RequestModel): KnownState {
  const { state } = model
  return {
    consumer: state.consumer,
    credential: state.credential,
    shared: state.shared,
    requestVersion: model.requestVersion,
    responseVersion: model.responseVersion,
    response: state.response,
    serviceResponse: state.serviceResponse,
    logInfo: state.logInfo,
  }
}

/**
 * What changed since an isolate's last call of this request: the request's method, query,
 * headers and upstream when their version moved, the response side likewise, and the consumer,
 * credential and kong.ctx.shared when they are other objects than the view holds. Without a
 * known view (its last call failed) everything that changes goes.
 */
export function stateDelta(model: RequestModel, known: KnownState | undefined): Partial<RequestState> {
  const { state } = model
  const delta: Partial<RequestState> = {}
  if (known?.requestVersion !== model.requestVersion) requestFields(delta, state)
  const responseSeen = known?.responseVersion === model.responseVersion
  if (!responseSeen || known?.response !== state.response) delta.response = state.response
  if (!responseSeen || known?.serviceResponse !== state.serviceResponse)
    delta.serviceResponse = state.serviceResponse
  if (known?.logInfo !== state.logInfo && state.logInfo !== undefined) delta.logInfo = state.logInfo
  if (known?.consumer !== state.consumer) delta.consumer = state.consumer
  if (known?.credential !== state.credential) delta.credential = state.credential
  if (known?.shared !== state.shared) delta.shared = state.shared
  return delta
}

/**
 * A first call's changes over the base text (PhaseCall.base): what plugins and the host changed
 * since the request arrived, and whatever the base leaves out (route and service unless reused,
 * consumer, credential, kong.ctx.shared).
 */
export function baseDelta(model: RequestModel): Partial<RequestState> {
  const { state } = model
  const delta: Partial<RequestState> = {}
  if (model.requestVersion !== 0) requestFields(delta, state)
  if (state.response !== null) delta.response = state.response
  if (state.serviceResponse !== null) delta.serviceResponse = state.serviceResponse
  if (state.logInfo !== undefined) delta.logInfo = state.logInfo
  if (state.consumer !== null) delta.consumer = state.consumer
  if (state.credential !== null) delta.credential = state.credential
  if (Object.keys(state.shared).length > 0) delta.shared = state.shared
  return delta
}

/** The request's fields plugins' setters change (one version counts them all). */
function requestFields(delta: Partial<RequestState>, state: RequestState): void {
  delta.method = state.method
  delta.rawQuery = state.rawQuery
  delta.headers = state.headers
  delta.upstream = state.upstream
}
