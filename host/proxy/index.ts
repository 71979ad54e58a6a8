export { createProxy } from './create-proxy.ts'
export { HOP_BY_HOP } from './hop-by-hop.ts'
export { andThen } from './maybe-async.ts'
export type {
  AccessOutcome,
  FilteredHead,
  GatewayAnswer,
  LogFacts,
  PluginFailure,
  PluginHooks,
  PluginRequest,
  PluginRequestInfo,
  UpstreamChanges,
} from './plugin-hooks.ts'
export { GATEWAY_UPSTREAM_HEADERS } from './request-headers.ts'
export { GATEWAY_RESPONSE_HEADERS } from './response-headers.ts'
export type { AccessLogEntry, GatewayProxy, ProxyLogger, ProxyOptions, ProxyStats } from './types.ts'
