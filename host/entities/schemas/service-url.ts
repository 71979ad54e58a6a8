import { validateField } from '../validate/field.ts'
import type { FieldErrorMap } from '../validate/field-errors.ts'

interface ParsedUrl {
  scheme?: string
  host?: string
  port?: string
  path?: string
}

/** LuaSocket's `url.parse`, which Kong's `url` shorthand relies on (lenient: "x" is a path). */
function parseUrl(url: string): ParsedUrl {
  const parsed: ParsedUrl = {}
  let rest = url.split('#')[0] as string
  const scheme = /^([A-Za-z0-9][A-Za-z0-9+.-]*):/.exec(rest)
  if (scheme) {
    parsed.scheme = (scheme[1] as string).toLowerCase()
    rest = rest.slice(scheme[0].length)
  }
  const authority = /^\/\/([^/?#]*)/.exec(rest)
  if (authority) {
    rest = rest.slice(authority[0].length)
    let hostPart = (authority[1] as string).replace(/^[^@]*@/, '')
    const port = /:([^:\]]*)$/.exec(hostPart)
    if (port) {
      if (port[1] !== '') parsed.port = port[1] as string
      hostPart = hostPart.slice(0, port.index)
    }
    const bracketed = /^\[(.*)\]$/.exec(hostPart)
    if (bracketed) hostPart = bracketed[1] as string
    if (hostPart !== '') parsed.host = hostPart
  }
  rest = rest.split('?')[0]?.split(';')[0] as string
  if (rest !== '') parsed.path = rest
  return parsed
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 }

/**
 * Kong's `url` shorthand of services: replaces `url` with protocol, host, port and path (the
 * query string and fragment are dropped). Mutates `input`; returns field errors when `url` is not
 * a string. Errors in the parts surface later as errors of protocol/host/port/path, as in Kong.
 */
export function expandServiceUrl(input: Record<string, unknown>): FieldErrorMap | null {
  if (input.url === undefined) return null
  const url = input.url
  delete input.url
  const error = validateField({ type: 'string' }, url)
  if (error !== null) return { url: error }
  if (url === null) return null
  const parsed = parseUrl(url as string)
  const numeric = parsed.port !== undefined && /^\d+$/.test(parsed.port) ? Number(parsed.port) : undefined
  const implied = numeric === 80 ? 'http' : numeric === 443 ? 'https' : undefined
  const protocol = parsed.scheme ?? implied ?? 'http'
  input.protocol = protocol
  input.host = parsed.host ?? null
  input.port = numeric ?? parsed.port ?? DEFAULT_PORTS[protocol] ?? 80
  input.path = parsed.path ?? null
  return null
}
