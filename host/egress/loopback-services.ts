import { parseIp } from './ip-address.ts'
import { isLocalAddress } from './own-listeners.ts'

/**
 * Services an operator pointed at this host (a loopback or own address, or `localhost`). They
 * work: plugin_egress_deny is for plugins, and Kong's "Admin API loopback" pattern is such a
 * service. Named at start, so an operator sees which routes reach local listeners.
 */
export function loopbackServices<T extends { name?: string | null; id: string; host: string; port: number }>(
  services: readonly T[],
): T[] {
  return services.filter((service) => {
    const host = service.host.toLowerCase()
    if (host === 'localhost' || host.endsWith('.localhost')) return true
    const address = parseIp(host)
    return address ? isLocalAddress(address) : false
  })
}
