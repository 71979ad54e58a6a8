import { isIP } from 'node:net'
import type { Parser } from './parsers.ts'
import { ValueError } from './value-error.ts'

/** One listener address; IPv6 hosts are stored without brackets, as `net.Server#listen` wants them. */
export interface ListenAddress {
  host: string
  port: number
}

const USAGE = 'off or a comma list of <host>:<port> (e.g. 127.0.0.1:8000, [::1]:8000)'
/** nginx tuning flags Kong accepts; they mean nothing to Node's listener, so they are ignored. */
const IGNORED_FLAG = /^(reuseport|deferred|bind|backlog=\d+)$/
const UNSUPPORTED_FLAGS = new Set(['ssl', 'http2', 'proxy_protocol'])
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/

function parseAddress(text: string): ListenAddress {
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]+):(\d+)$/.exec(text)
  if (!match) throw new ValueError(USAGE)
  const [, host, portText] = match as unknown as [string, string, string]
  const port = Number(portText)
  const bracketed = text.startsWith('[')
  const hostOk = bracketed
    ? isIP(host) === 6
    : isIP(host) === 4 || (HOSTNAME.test(host) && !/^[\d.]+$/.test(host))
  if (!hostOk || port > 65535) throw new ValueError(USAGE)
  return { host, port }
}

function parseEntry(entry: string): ListenAddress {
  const [address = '', ...flags] = entry.split(/\s+/)
  for (const flag of flags) {
    if (UNSUPPORTED_FLAGS.has(flag)) throw new ValueError(`${USAGE}; the "${flag}" flag is not supported`)
    if (!IGNORED_FLAG.test(flag)) throw new ValueError(`${USAGE}; unknown flag "${flag}"`)
  }
  return parseAddress(address)
}

/** Kong's `*_listen` syntax: `off`, or `host:port [flags]` entries separated by commas. */
export const listen: Parser<ListenAddress[]> = (raw) => {
  if (raw === 'off') return []
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  if (entries.length === 0) throw new ValueError(USAGE)
  return entries.map(parseEntry)
}

/** True for `localhost`, 127.0.0.0/8 and ::1: addresses no other machine can reach. */
export function isLoopback(address: ListenAddress): boolean {
  const host = address.host.toLowerCase()
  if (host === 'localhost' || host === '::1') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return /^(0{0,4}:){7}0{0,3}1$/.test(host) || /^::ffff:127\./.test(host)
}
