/** IPv4/IPv6 addresses and CIDR matching for kong.ip.isTrusted (Kong's trusted_ips). */
import {
  MathMin,
  push,
  StringCharCodeAt,
  StringIndexOf,
  StringLastIndexOf,
  StringSlice,
} from './intrinsics.isolate.ts'

/** An address as 16-bit groups: 2 for IPv4, 8 for IPv6. */
export interface Address {
  groups: number[]
}

export interface Cidr {
  groups: number[]
  bits: number
}

function parseDecimal(text: string, max: number): number {
  if (text.length === 0 || text.length > 5) return -1
  let value = 0
  for (let i = 0; i < text.length; i++) {
    const code = StringCharCodeAt(text, i)
    if (code < 48 || code > 57) return -1
    value = value * 10 + code - 48
  }
  return value <= max ? value : -1
}

function parseIPv4(text: string): number[] | null {
  const bytes: number[] = []
  let start = 0
  for (let part = 0; part < 4; part++) {
    const dot = part < 3 ? StringIndexOf(text, '.', start) : text.length
    if (dot < 0) return null
    const value = text.length > 15 ? -1 : parseDecimal(StringSlice(text, start, dot), 255)
    if (value < 0) return null
    push(bytes, value)
    start = dot + 1
  }
  return [bytes[0]! * 256 + bytes[1]!, bytes[2]! * 256 + bytes[3]!]
}

function parseHexGroup(text: string): number {
  if (text.length === 0 || text.length > 4) return -1
  let value = 0
  for (let i = 0; i < text.length; i++) {
    const code = StringCharCodeAt(text, i)
    let digit = -1
    if (code >= 48 && code <= 57) digit = code - 48
    else if (code >= 97 && code <= 102) digit = code - 87
    else if (code >= 65 && code <= 70) digit = code - 55
    if (digit < 0) return -1
    value = value * 16 + digit
  }
  return value
}

/** The groups of one side of `::` (may end with a dotted IPv4 tail). */
function parseGroups(text: string, allowTail: boolean): number[] | null {
  const groups: number[] = []
  if (text === '') return groups
  let start = 0
  for (let guard = 0; guard < 9; guard++) {
    const colon = StringIndexOf(text, ':', start)
    const piece = StringSlice(text, start, colon < 0 ? text.length : colon)
    if (colon < 0 && allowTail && StringIndexOf(piece, '.') >= 0) {
      const tail = parseIPv4(piece)
      if (!tail) return null
      push(groups, tail[0]!)
      push(groups, tail[1]!)
      return groups
    }
    const value = parseHexGroup(piece)
    if (value < 0) return null
    push(groups, value)
    if (colon < 0) return groups
    start = colon + 1
  }
  return null
}

export function parseIPv6(text: string): number[] | null {
  if (text.length > 45) return null
  const gap = StringIndexOf(text, '::')
  if (gap >= 0 && StringIndexOf(text, '::', gap + 1) >= 0) return null
  const head = parseGroups(gap < 0 ? text : StringSlice(text, 0, gap), gap < 0)
  const tail = gap < 0 ? [] : parseGroups(StringSlice(text, gap + 2), true)
  if (!head || !tail) return null
  const missing = 8 - head.length - tail.length
  if (gap < 0 ? missing !== 0 : missing < 1) return null
  const groups: number[] = []
  for (let i = 0; i < head.length; i++) push(groups, head[i]!)
  for (let i = 0; i < missing; i++) push(groups, 0)
  for (let i = 0; i < tail.length; i++) push(groups, tail[i]!)
  return groups
}

/** IPv4, IPv6 (bracketed or not); IPv4-mapped IPv6 counts as the IPv4 address it maps. */
function parseAddress(input: string): Address | null {
  let text = input
  if (text.length > 2 && text[0] === '[' && text[text.length - 1] === ']') text = StringSlice(text, 1, -1)
  if (StringIndexOf(text, ':') < 0) {
    const v4 = parseIPv4(text)
    return v4 ? { groups: v4 } : null
  }
  const v6 = parseIPv6(text)
  if (!v6) return null
  const mapped = v6[0] === 0 && v6[1] === 0 && v6[2] === 0 && v6[3] === 0 && v6[4] === 0 && v6[5] === 0xffff
  return { groups: mapped ? [v6[6]!, v6[7]!] : v6 }
}

/** `10.0.0.0/8`, `::1`, `fe80::/10`; null when invalid (Kong skips invalid entries). */
export function parseCidr(text: string): Cidr | null {
  const slash = StringLastIndexOf(text, '/')
  const address = parseAddress(slash < 0 ? text : StringSlice(text, 0, slash))
  if (!address) return null
  const max = address.groups.length * 16
  const bits = slash < 0 ? max : parseDecimal(StringSlice(text, slash + 1), max)
  return bits < 0 ? null : { groups: address.groups, bits }
}

export function cidrContains(cidr: Cidr, address: Address): boolean {
  if (cidr.groups.length !== address.groups.length) return false
  let bits = cidr.bits
  for (let i = 0; i < cidr.groups.length && bits > 0; i++) {
    const take = MathMin(bits, 16)
    const mask = (0xffff << (16 - take)) & 0xffff
    if ((cidr.groups[i]! & mask) !== (address.groups[i]! & mask)) return false
    bits -= take
  }
  return true
}

/** kong.ip.isTrusted over the node's trusted_ips. */
export interface TrustedIps {
  isTrusted(ip: string): boolean
}

export function trustedIps(list: readonly string[]): TrustedIps {
  const cidrs: Cidr[] = []
  let allV4 = false
  let allV6 = false
  for (let i = 0; i < list.length; i++) {
    const entry = list[i]
    if (typeof entry !== 'string') continue
    const cidr = parseCidr(entry)
    if (!cidr) continue
    push(cidrs, cidr)
    if (cidr.bits === 0) {
      if (cidr.groups.length === 2) allV4 = true
      else allV6 = true
    }
  }
  return {
    isTrusted(ip: string): boolean {
      if (cidrs.length === 0) return false
      if (allV4 && allV6) return true // Kong trusts everything without parsing
      const address = parseAddress(ip)
      if (!address) return false
      for (let i = 0; i < cidrs.length; i++) if (cidrContains(cidrs[i]!, address)) return true
      return false
    },
  }
}
