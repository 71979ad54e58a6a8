import type { Headers, RequestState } from '../../runtime/protocol.ts'
import type { PluginRequestInfo } from '../proxy/index.ts'

/** Repeated headers stay a list, as Kong's kong.request.getHeaders gives them (node:http's `headers` joins them with ', '). */
const copyHeaders = (headers: Record<string, string[] | undefined>): Headers => {
  const out: Headers = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = value.length === 1 ? (value[0] as string) : [...value]
  }
  return out
}

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
    route: route && {
      id: route.id,
      name: route.name,
      paths: route.paths,
      hosts: route.hosts,
      methods: route.methods,
      protocols: route.protocols,
      tags: route.tags,
      ws_id: route.ws_id,
    },
    service: service && {
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
    },
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

/** What changes during a request: sent again on every call after an isolate's first. */
export function stateDelta(state: RequestState): Partial<RequestState> {
  return {
    method: state.method,
    rawQuery: state.rawQuery,
    headers: state.headers,
    upstream: state.upstream,
    consumer: state.consumer,
    credential: state.credential,
    shared: state.shared,
    response: state.response,
    serviceResponse: state.serviceResponse,
  }
}
