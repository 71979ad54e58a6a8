/** Hop-by-hop headers (RFC 9110 §7.6.1 and the legacy proxy ones): never forwarded either way. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'proxy',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
])

/**
 * Extra header names a `Connection` header lists (`Connection: keep-alive, X-Foo` drops X-Foo),
 * lower-cased; null when it lists only the usual keep-alive/close/upgrade tokens.
 */
export function connectionListed(value: string | string[] | undefined): Set<string> | null {
  if (value === undefined) return null
  const joined = Array.isArray(value) ? value.join(',') : value
  let listed: Set<string> | null = null
  for (const token of joined.split(',')) {
    const name = token.trim().toLowerCase()
    if (name === '' || name === 'keep-alive' || name === 'close' || name === 'upgrade') continue
    listed ??= new Set()
    listed.add(name)
  }
  return listed
}

/** True when a `TE` header asks for trailers (the only TE value passed upstream, as Kong). */
export function wantsTrailers(value: string | undefined): boolean {
  if (value === undefined) return false
  for (const token of value.split(',')) {
    if (token.split(';')[0]?.trim().toLowerCase() === 'trailers') return true
  }
  return false
}
