import { isIP } from 'node:net'
import type { Parser } from './parsers.ts'
import { ValueError } from './value-error.ts'

const EXPECTED = 'a comma list of IP addresses or CIDR blocks (e.g. 10.0.0.0/8, ::1, 0.0.0.0/0)'

function checkCidr(item: string): string {
  const [address = '', bits, ...rest] = item.split('/')
  const family = isIP(address)
  const max = family === 6 ? 128 : 32
  const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max)
  if (family === 0 || !bitsOk || rest.length > 0) {
    throw new ValueError(`${EXPECTED}; "${item}" is not one`)
  }
  return item
}

/** `trusted_ips`: each item an IPv4/IPv6 address or CIDR block; Kong's `unix:` is not supported. */
export const cidrList: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map(checkCidr)
