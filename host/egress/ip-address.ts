import {
  type Cidr,
  cidrContains,
  formatIp,
  type IpAddress,
  ipLiteral,
  parseCidr,
} from '../../runtime/prelude/index.ts'

export type { IpAddress }

/**
 * A host as a resolver would read it: the address of an IP literal in any spelling (`127.1`,
 * `0x7f000001`, `2130706433`, `0177.0.0.1`, `[::ffff:127.0.0.1]`; IPv4-mapped IPv6 unmapped),
 * null for a name, `false` for something numeric that is no valid address. The isolate's
 * setTarget reads spellings with the same code.
 */
export function parseIp(host: string): IpAddress | null | false {
  return ipLiteral(host)
}

/** Dotted IPv4 or eight-group IPv6: what a socket is told to connect to. */
export function ipText(address: IpAddress): string {
  return formatIp(address)
}

/** An address as a connect target or origin host: IPv6 bracketed. */
export function ipHost(address: IpAddress): string {
  return address.groups.length === 8 ? `[${formatIp(address)}]` : formatIp(address)
}

/** `10.0.0.0/8`, `::1`: a block CidrList takes (plugin_egress_allow mixes them with host names). */
export function isCidr(text: string): boolean {
  return parseCidr(text) !== null
}

/** `::ffff:10.0.0.0/104`: an IPv4-mapped block is the IPv4 block it maps (addresses are unmapped too). */
function mappedBlock(item: string): Cidr | null {
  const [text = '', bits = '128', ...rest] = item.split('/')
  const address = text.includes(':') && rest.length === 0 ? parseIp(text) || null : null
  if (address?.groups.length !== 2) return null
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > 128) return null
  return { groups: address.groups, bits: Math.max(0, Number(bits) - 96) }
}

/** Matches addresses against CIDR blocks (IPv4, IPv6; IPv4-mapped IPv6 counts as its IPv4 address). */
export class CidrList {
  private readonly blocks: Cidr[]

  constructor(list: readonly string[]) {
    this.blocks = []
    for (const item of list) {
      const block = parseCidr(item) ?? mappedBlock(item)
      if (block === null) throw new Error(`not a CIDR block: ${item}`)
      this.blocks.push(block)
    }
  }

  get size(): number {
    return this.blocks.length
  }

  has(address: IpAddress): boolean {
    for (const block of this.blocks) if (cidrContains(block, address)) return true
    return false
  }
}
