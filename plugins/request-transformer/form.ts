import type { QueryValue } from 'isogate/sdk'

/** ngx.escape_uri for a URI component: everything but letters, digits and `-._~` is escaped. */
function escapeComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** ngx.encode_args: `true` gives a bare key, `false` nothing, a list one pair per element. */
export function encodeForm(args: Record<string, QueryValue | QueryValue[] | false>): string {
  const parts: string[] = []
  const one = (key: string, value: QueryValue | false) => {
    if (value === true) parts.push(escapeComponent(key))
    else if (value !== false) parts.push(`${escapeComponent(key)}=${escapeComponent(value)}`)
  }
  for (const [key, value] of Object.entries(args)) {
    if (Array.isArray(value)) for (const element of value) one(key, element)
    else one(key, value)
  }
  return parts.join('&')
}
