import type { InitCall } from '../../runtime/protocol.ts'
import { CidrList, type IpAddress, isCidr } from './ip-address.ts'
import { isOwnListener, ownAddresses, ownPorts } from './own-listeners.ts'

/** The egress settings of a node (plugin_egress_deny, plugin_egress_allow, dns_resolver). */
export interface EgressSettings {
  deny: readonly string[]
  /** CIDRs or lower-case host names. */
  allow: readonly string[]
  /** `ip:port` / `[ip]:port`; the system's nameservers when empty. */
  resolvers: readonly string[]
}

/**
 * Where plugin-caused connections may go. The node's own listeners are refused whatever the
 * lists say; then an address in `deny` is refused unless `allow` names it, by CIDR or by the host
 * name the plugin asked for.
 */
export class EgressPolicy {
  private readonly deny: CidrList
  private readonly allowCidrs: CidrList
  private readonly allowNames: ReadonlySet<string>

  constructor(readonly settings: EgressSettings) {
    this.deny = new CidrList(settings.deny)
    this.allowCidrs = new CidrList(settings.allow.filter(isCidr))
    this.allowNames = new Set(settings.allow.filter((item) => !isCidr(item)))
  }

  /** Why `address:port`, reached for the host name `name` (null for a literal), is refused; null if it is not. */
  refusal(address: IpAddress, port: number, name: string | null): string | null {
    if (isOwnListener(address, port)) return "is one of the node's own listeners"
    if (!this.deny.has(address)) return null
    if (this.allowCidrs.has(address) || (name !== null && this.allowNames.has(name))) return null
    return 'is in plugin_egress_deny'
  }

  /** What an isolate needs to refuse IP literals at setTarget (its `init` message). */
  isolateLists(): NonNullable<InitCall['egress']> {
    return {
      deny: [...this.settings.deny],
      allow: this.settings.allow.filter(isCidr),
      ownPorts: ownPorts(),
      ownAddresses: ownAddresses().text,
    }
  }
}
