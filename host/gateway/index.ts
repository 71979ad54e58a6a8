export { LINGER_BYTES, LINGER_MS } from './lingering-close.ts'
export { checkNode } from './node-checks.ts'
export { type Gateway, type GatewayOptions, startGateway } from './start-gateway.ts'
export { VERSION } from './version.ts'
