export { EgressError, ProxyLoopError } from './egress-error.ts'
export { EgressPolicy, type EgressSettings } from './egress-policy.ts'
export {
  EGRESS_LIMITS,
  type EgressLease,
  type EgressLimits,
  EgressPools,
  type EgressTarget,
} from './egress-pools.ts'
export { EgressResolver } from './egress-resolver.ts'
export { CidrList, type IpAddress, ipHost, ipText, isCidr, parseIp } from './ip-address.ts'
export { loopbackServices } from './loopback-services.ts'
export { addOwnListener, isOwnProxy, removeOwnListener } from './own-listeners.ts'
