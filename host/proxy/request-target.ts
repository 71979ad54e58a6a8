import { isIP } from 'node:net'
import type { Service } from '../entities/types.ts'

/** The parts of a request target the gateway routes and forwards on. */
export interface RequestTarget {
  /** Raw path, percent-encoding as received, without the query. */
  path: string
  /** `?` and the raw query as received ('' when the target had no `?`). */
  search: string
  /** Host without port, lower-cased (nginx `$host`); '' when the request named none. */
  host: string
}

/** Splits `req.url` (origin-form, or absolute-form whose authority then wins over Host). */
export function parseTarget(url: string, hostHeader: string | undefined): RequestTarget {
  let rest = url
  let authority = hostHeader ?? ''
  if (rest.charCodeAt(0) !== 47 /* / */) {
    const absolute = /^https?:\/\/([^/?#]*)/i.exec(rest)
    if (absolute) {
      authority = absolute[1] ?? ''
      rest = rest.slice(absolute[0].length) || '/'
    }
  }
  const q = rest.indexOf('?')
  return {
    path: q === -1 ? rest : rest.slice(0, q),
    search: q === -1 ? '' : rest.slice(q),
    host: hostWithoutPort(authority).toLowerCase(),
  }
}

/** `example.com:8000` → `example.com`; `[::1]:8000` → `[::1]`. */
function hostWithoutPort(authority: string): string {
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']')
    return end === -1 ? authority : authority.slice(0, end + 1)
  }
  const colon = authority.indexOf(':')
  return colon === -1 ? authority : authority.slice(0, colon)
}

const bracket = (host: string) => (isIP(host) === 6 ? `[${host}]` : host)

/** Pool origin of a service: `http://host:port`. */
export function serviceOrigin(service: Service): string {
  return origin(service.protocol, service.host, service.port)
}

/** Pool origin of `protocol://host:port` (IPv6 hosts bracketed). */
export function origin(protocol: string, host: string, port: number): string {
  return `${protocol}://${bracket(host)}:${port}`
}

/** The Host header Kong sends to a service: its host, with the port unless it is the scheme's default. */
export function serviceHostHeader(service: Service): string {
  return hostHeader(service.protocol, service.host, service.port)
}

/** The Host header for `host:port` reached over `protocol` (the port left out when it is the default). */
export function hostHeader(protocol: string, host: string, port: number): string {
  const usual = (port === 80 && protocol === 'http') || (port === 443 && protocol === 'https')
  return usual ? bracket(host) : `${bracket(host)}:${port}`
}
