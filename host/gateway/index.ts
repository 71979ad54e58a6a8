export { type Gateway, type GatewayOptions, startGateway } from './start-gateway.ts'
export { VERSION } from './version.ts'
