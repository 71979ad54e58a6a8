export { createProxy } from './create-proxy.ts'
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
export type { AccessLogEntry, GatewayProxy, ProxyLogger, ProxyOptions, ProxyStats } from './types.ts'
