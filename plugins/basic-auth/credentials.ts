import type { AccessKong } from 'isogate/sdk'
import { decodeBase64 } from './base64.ts'
import type { Config } from './schema.ts'

export interface Given {
  username: string
  password: string
}

/** Kong's patterns: `Basic` anywhere in the value (either case of the B), then `user:password`. */
const BASIC = /\s*[Bb]asic\s*(.+)/
const USER_PASSWORD = /([^:]+):([^\n]*)/

/**
 * Kong's retrieve_credentials: the username and password of an Authorization-style header, null
 * when there are none; with `hide_credentials` the header leaves the upstream request whatever it
 * held.
 */
export function retrieveCredentials(
  kong: AccessKong,
  header: string,
  value: string,
  conf: Config,
): Given | null {
  if (conf.hide_credentials) kong.service.request.clearHeader(header)
  const encoded = BASIC.exec(value)?.[1]
  const decoded = encoded === undefined ? null : decodeBase64(encoded)
  if (decoded === null) return null
  const parts = USER_PASSWORD.exec(decoded)
  if (!parts) {
    kong.log.err('header has unrecognized format')
    return null
  }
  return { username: parts[1]!, password: parts[2]! }
}
