import { isIP } from 'node:net'
import { cidrList } from './parse-cidr.ts'
import type { Parser } from './parsers.ts'
import { ValueError } from './value-error.ts'

/**
 * Where no plugin-caused connection may go by default: loopback, unspecified, link-local,
 * private, shared (CGNAT), benchmarking, reserved, multicast, and the NAT64/6to4 prefixes that
 * embed an IPv4 address (so `64:ff9b::7f00:1` is not a way around 127.0.0.0/8).
 */
export const DEFAULT_EGRESS_DENY = [
  '127.0.0.0/8',
  '::1/128',
  '0.0.0.0/8',
  '::/128',
  '169.254.0.0/16',
  'fe80::/10',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  'fc00::/7',
  '100.64.0.0/10',
  '198.18.0.0/15',
  '240.0.0.0/4',
  '224.0.0.0/4',
  'ff00::/8',
  '64:ff9b::/96',
  '2002::/16',
].join(',')

/** `plugin_egress_deny`: a CIDR list; `off` (or an empty value) denies nothing but the node's own listeners. */
export const egressDeny: Parser<string[]> = (raw, ctx) => (raw === 'off' ? [] : cidrList(raw, ctx))

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/

/** `plugin_egress_allow`: CIDRs (checked as `trusted_ips` items) or host names (lower-cased, no trailing dot). */
export const egressAllow: Parser<string[]> = (raw, ctx) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const address = item.split('/')[0] ?? ''
      if (isIP(address) !== 0) return cidrList(item, ctx)[0]!
      const name = item.toLowerCase().replace(/\.$/, '')
      if (/^[\d.]+$/.test(name) || !HOST_NAME.test(name)) {
        throw new ValueError(`a comma list of CIDR blocks or host names; "${item}" is neither`)
      }
      return name
    })

/** `dns_resolver`: Kong's nameserver list, `ip[:port]` (IPv6 as `[ip]:port`), normalised for `dns.Resolver#setServers`. */
export const nameservers: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(item)
      const plain = /^([^:]+)(?::(\d{1,5}))?$/.exec(item)
      const [address, port] = bracketed
        ? [bracketed[1]!, bracketed[2]]
        : plain
          ? [plain[1]!, plain[2]]
          : isIP(item) === 6
            ? [item, undefined]
            : ['', undefined]
      const portNumber = port === undefined ? 53 : Number(port)
      if (isIP(address) === 0 || portNumber < 1 || portNumber > 65535) {
        throw new ValueError(
          `a comma list of nameserver addresses, ip[:port] or [ipv6]:port; "${item}" is not one`,
        )
      }
      return isIP(address) === 6 ? `[${address}]:${portNumber}` : `${address}:${portNumber}`
    })
