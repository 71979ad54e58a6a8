import { isIP } from 'node:net'

/** Kong's `utils.normalize_ip`, reduced to what validation needs: the kind of host and its port. */
type ParsedHost = { type: 'ipv4' | 'ipv6' | 'name'; port: number | null } | { error: string }

function parsePort(text: string | undefined): number | null | 'invalid' {
  if (text === undefined) return null
  if (!/^\d+$/.test(text)) return 'invalid'
  const port = Number(text)
  return port >= 1 && port <= 65535 ? port : 'invalid'
}

export function parseHost(address: string): ParsedHost {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(address)
  if (bracketed || (address.match(/:/g)?.length ?? 0) > 1) {
    const host = bracketed ? (bracketed[1] as string) : address
    if (isIP(host) !== 6) return { error: `invalid ipv6 address: ${address}` }
    const port = parsePort(bracketed?.[2])
    return port === 'invalid' ? { error: 'invalid port number' } : { type: 'ipv6', port }
  }
  const [host, portText] = address.split(':') as [string, string | undefined]
  const port = parsePort(portText)
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
    if (isIP(host) !== 4) return { error: `invalid ipv4 address: ${address}` }
    return port === 'invalid' ? { error: 'invalid port number' } : { type: 'ipv4', port }
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(host)) return { error: `invalid hostname: ${address}` }
  return port === 'invalid' ? { error: 'invalid port number' } : { type: 'name', port }
}

/** typedefs.host: a name or address without a port. */
export function validateHost(host: string): string | null {
  const parsed = parseHost(host)
  if ('error' in parsed && parsed.error !== 'invalid port number') return `invalid value: ${host}`
  if ('error' in parsed || parsed.port !== null) return 'must not have a port'
  return null
}

/** Route hosts: wildcards stand for one label; a port is allowed. */
export function validateRouteHost(host: string): string | null {
  const parsed = parseHost(host.replaceAll('*', 'abc'))
  return 'error' in parsed ? parsed.error : null
}

/** typedefs.sni: a name (not an address) without a port. */
export function validateSni(host: string): string | null {
  const parsed = parseHost(host)
  if ('error' in parsed && parsed.error !== 'invalid port number') return `invalid value: ${host}`
  if (!('error' in parsed) && parsed.type !== 'name') return 'must not be an IP'
  if ('error' in parsed || parsed.port !== null) return 'must not have a port'
  return null
}

export function validateIpOrCidr(value: string): string | null {
  const [ip, bits, extra] = value.split('/')
  const version = isIP(ip as string)
  const valid =
    version !== 0 &&
    extra === undefined &&
    (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128)))
  return valid ? null : `invalid ip or cidr range: '${value}'`
}
