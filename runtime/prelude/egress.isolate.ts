/**
 * IP literals in every spelling a resolver accepts, and the egress lists a plugin's
 * `kong.service.setTarget` is checked against before anything leaves the isolate. The host checks
 * again on the address it connects to (host/egress); this check only lets a plugin catch the
 * refusal of a literal. The host uses `ipLiteral` too, so both sides read spellings alike.
 */
import { PdkError } from './errors.isolate.ts'
import {
  ArrayIsArray,
  join,
  NumberToString,
  push,
  ReflectApply,
  StringCharCodeAt,
  StringIndexOf,
  StringLastIndexOf,
  StringSlice,
  StringToLowerCase,
} from './intrinsics.isolate.ts'
import { type Address, type Cidr, cidrContains, parseCidr, parseIPv6 } from './ip.isolate.ts'

/** A literal's address: 2 groups of 16 bits for IPv4 (IPv4-mapped IPv6 included), 8 for IPv6. */
export type IpAddress = Address

/** inet_aton's number: `0x` hex, a leading `0` octal, else decimal; -1 when it is none. */
function atonPart(text: string): number {
  let base = 10
  let start = 0
  if (text.length > 1 && text[0] === '0') {
    const x = text[1]
    base = x === 'x' || x === 'X' ? 16 : 8
    start = base === 16 ? 2 : 1
  }
  if (text.length === 0 || text.length - start > 32) return -1
  let value = 0
  for (let i = start; i < text.length; i++) {
    const code = StringCharCodeAt(text, i)
    let digit = 99
    if (code >= 48 && code <= 57) digit = code - 48
    else if (code >= 97 && code <= 102) digit = code - 87
    else if (code >= 65 && code <= 70) digit = code - 55
    if (digit >= base) return -1
    value = value * base + digit
    if (value > 0xffffffff) return -1
  }
  return value
}

/** Does the last label read as a number (WHATWG's "ends in a number")? Then the host is an IPv4 literal or invalid. */
function endsInNumber(text: string): boolean {
  const label = StringSlice(text, StringLastIndexOf(text, '.') + 1)
  const hex = label.length > 1 && label[0] === '0' && (label[1] === 'x' || label[1] === 'X')
  for (let i = hex ? 2 : 0; i < label.length; i++) {
    const code = StringCharCodeAt(label, i)
    const digit = code >= 48 && code <= 57
    if (!digit && !(hex && ((code >= 97 && code <= 102) || (code >= 65 && code <= 70)))) return false
  }
  return label.length > 0
}

/** `127.1`, `0x7f000001`, `2130706433`, `0177.0.0.1`: one to four parts, the last filling the rest. */
function parseAton(text: string): number[] | null {
  const parts: number[] = []
  let start = 0
  for (let guard = 0; guard < 5; guard++) {
    const dot = StringIndexOf(text, '.', start)
    const value = atonPart(StringSlice(text, start, dot < 0 ? text.length : dot))
    if (value < 0) return null
    push(parts, value)
    if (dot < 0) break
    start = dot + 1
  }
  if (parts.length > 4 || start > text.length) return null
  let address = 0
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i]! > 255) return null
    address = address * 256 + parts[i]!
  }
  const rest = 4 - (parts.length - 1)
  const last = parts[parts.length - 1]!
  if (last >= 256 ** rest) return null
  address = address * 256 ** rest + last
  return [(address - (address % 65536)) / 65536, address % 65536]
}

/**
 * The address a host string names when it is an IP literal (brackets and one trailing dot
 * allowed; IPv4-mapped IPv6 unmapped), null when it is a name, `false` when it looks like a
 * number but is no valid address (a resolver would reject it or read it some other way).
 */
export function ipLiteral(host: string): IpAddress | null | false {
  let text = host
  if (text.length > 2 && text[0] === '[' && text[text.length - 1] === ']') {
    text = StringSlice(text, 1, -1)
    if (StringIndexOf(text, ':') < 0) return false
  }
  if (text.length > 300) return false
  if (StringIndexOf(text, ':') >= 0) {
    const groups = parseIPv6(StringToLowerCase(text))
    if (!groups) return false
    const mapped =
      groups[0] === 0 &&
      groups[1] === 0 &&
      groups[2] === 0 &&
      groups[3] === 0 &&
      groups[4] === 0 &&
      groups[5] === 0xffff
    return { groups: mapped ? [groups[6]!, groups[7]!] : groups }
  }
  if (text.length > 1 && text[text.length - 1] === '.') text = StringSlice(text, 0, -1)
  if (!endsInNumber(text)) return null
  const v4 = parseAton(text)
  return v4 ? { groups: v4 } : false
}

/** The canonical text of an address: dotted IPv4, or eight lower-case hex groups. */
export function formatIp(address: IpAddress): string {
  const g = address.groups
  if (g.length === 2) {
    return join(
      [
        NumberToString((g[0]! - (g[0]! % 256)) / 256),
        NumberToString(g[0]! % 256),
        NumberToString((g[1]! - (g[1]! % 256)) / 256),
        NumberToString(g[1]! % 256),
      ],
      '.',
    )
  }
  const parts: string[] = []
  for (let i = 0; i < g.length; i++) push(parts, NumberToString(g[i]!, 16))
  return join(parts, ':')
}

/** What the isolate knows of the node's egress settings (from `init`). */
export interface EgressLists {
  deny: Cidr[]
  /** CIDRs of plugin_egress_allow (its host names only matter to the host's resolver). */
  allow: Cidr[]
  /** The node's own listener ports, and its own (non-loopback) addresses. */
  ownPorts: number[]
  ownAddresses: Cidr[]
}

export function egressLists(init: {
  deny?: unknown
  allow?: unknown
  ownPorts?: unknown
  ownAddresses?: unknown
}): EgressLists {
  const cidrs = (list: unknown): Cidr[] => {
    const out: Cidr[] = []
    if (!ArrayIsArray(list)) return out
    for (let i = 0; i < list.length; i++) {
      const cidr = typeof list[i] === 'string' ? parseCidr(list[i] as string) : null
      if (cidr) push(out, cidr)
    }
    return out
  }
  const ports: number[] = []
  if (ArrayIsArray(init.ownPorts)) {
    for (let i = 0; i < init.ownPorts.length; i++) {
      if (typeof init.ownPorts[i] === 'number') push(ports, init.ownPorts[i] as number)
    }
  }
  return {
    deny: cidrs(init.deny),
    allow: cidrs(init.allow),
    ownPorts: ports,
    ownAddresses: cidrs(init.ownAddresses),
  }
}

function inAny(list: readonly Cidr[], address: IpAddress): boolean {
  for (let i = 0; i < list.length; i++) if (cidrContains(list[i]!, address)) return true
  return false
}

const LOCAL: Cidr[] = [
  { groups: [0x7f00, 0], bits: 8 },
  { groups: [0, 0], bits: 8 },
  { groups: [0, 0, 0, 0, 0, 0, 0, 1], bits: 128 },
  { groups: [0, 0, 0, 0, 0, 0, 0, 0], bits: 128 },
]

/** Why a literal target is refused, null when it may be tried (the host checks again on connect). */
export function literalRefusal(lists: EgressLists, address: IpAddress, port: number): string | null {
  let own = false
  for (let i = 0; i < lists.ownPorts.length; i++) if (lists.ownPorts[i] === port) own = true
  if (own && (inAny(LOCAL, address) || inAny(lists.ownAddresses, address))) {
    return "is one of the node's own listeners"
  }
  if (inAny(lists.deny, address) && !inAny(lists.allow, address)) return 'is in plugin_egress_deny'
  return null
}

const WeakMapGet = WeakMap.prototype.get
const WeakMapSet = WeakMap.prototype.set
/** Refusal errors this prelude made, and their targets (a plugin cannot forge one). */
const refusals = new WeakMap<object, string>()

/** The error setTarget throws for a refused target: a PDKError the plugin may catch. */
export function egressRefused(fn: string, target: string, why: string): PdkError {
  const error = new PdkError(`${fn}: ${target} ${why} (egress_denied)`)
  ReflectApply(WeakMapSet, refusals, [error, target])
  return error
}

/** The target of a refusal a handler let escape (made by egressRefused), else null; runs no plugin code. */
export function refusedTarget(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null
  return (ReflectApply(WeakMapGet, refusals, [value]) as string | undefined) ?? null
}
