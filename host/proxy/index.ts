export { createProxy } from './create-proxy.ts'
export type { AccessLogEntry, GatewayProxy, ProxyLogger, ProxyOptions, ProxyStats } from './types.ts'
