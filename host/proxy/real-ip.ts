import type { IncomingHttpHeaders } from 'node:http'
import { BlockList, isIP } from 'node:net'
import { UserError } from '../errors/index.ts'

/** `::ffff:1.2.3.4` (a dual-stack listener's view of an IPv4 peer) → `1.2.3.4`. */
export function normalizeIp(address: string | undefined): string {
  if (!address) return ''
  if (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4) return address.slice(7)
  return address
}

/** One element of a forwarding header: `1.2.3.4`, `1.2.3.4:80`, `::1`, `[::1]:80`; null when none. */
function parseAddress(raw: string): string | null {
  const item = raw.trim()
  if (item.startsWith('[')) {
    const end = item.indexOf(']')
    const inner = end === -1 ? '' : item.slice(1, end)
    return isIP(inner) === 6 ? normalizeIp(inner) : null
  }
  if (isIP(item) !== 0) return normalizeIp(item)
  const colon = item.indexOf(':')
  if (colon !== -1 && colon === item.lastIndexOf(':') && isIP(item.slice(0, colon)) === 4) {
    return item.slice(0, colon)
  }
  return null
}

export interface RealIp {
  isTrusted(ip: string): boolean
  /** The client address for a request from `peer`, as nginx's realip module computes it. */
  clientIp(peer: string, headers: IncomingHttpHeaders): string
}

/**
 * Kong's `trusted_ips` / `real_ip_header` / `real_ip_recursive` (nginx set_real_ip_from,
 * real_ip_header, real_ip_recursive). `proxy_protocol` is not supported and means "no header".
 */
export function createRealIp(trustedIps: string[], realIpHeader: string, recursive: boolean): RealIp {
  const list = new BlockList()
  let any = false
  for (const entry of trustedIps) {
    const [address = '', bits, ...rest] = entry.trim().split('/')
    const family = isIP(address)
    const max = family === 6 ? 128 : 32
    if (
      family === 0 ||
      rest.length > 0 ||
      (bits !== undefined && !/^\d{1,3}$/.test(bits)) ||
      Number(bits) > max
    ) {
      throw new UserError('INVALID_TRUSTED_IPS', `trusted_ips: "${entry}" is not an IP address or CIDR block`)
    }
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (bits === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(bits), type)
    any = true
  }
  const header = realIpHeader.toLowerCase()
  const useHeader = header !== '' && header !== 'proxy_protocol'

  const isTrusted = (ip: string): boolean => {
    if (!any) return false
    const family = isIP(ip)
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4')
  }

  const clientIp = (peer: string, headers: IncomingHttpHeaders): string => {
    if (!useHeader || !isTrusted(peer)) return peer
    const raw = headers[header]
    const value = Array.isArray(raw) ? raw.join(',') : raw
    if (!value) return peer
    // Walk from the right: the last address, or with recursion the last one not trusted.
    const items = value.split(',')
    let found = peer
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i] ?? ''
      if (item.trim() === '') continue
      const address = parseAddress(item)
      if (address === null) break
      found = address
      if (!recursive || !isTrusted(address)) break
    }
    return found
  }

  return { isTrusted, clientIp }
}
