import type { HeaderFilterKong, HeaderMap } from 'isogate/sdk'
import { pairs } from './pairs.ts'
import type { Config } from './schema.ts'

/** Case-insensitive, `_` standing for `-`, as nginx's header table. */
function lookup(headers: HeaderMap, name: string): string | string[] | undefined {
  const lower = name.toLowerCase()
  for (const key of [lower, lower.replaceAll('_', '-')]) if (Object.hasOwn(headers, key)) return headers[key]
  return undefined
}

/** Whether any response header change is configured. */
export function headerTransformSet(conf: Config): boolean {
  return [conf.remove, conf.rename, conf.replace, conf.add, conf.append].some(
    (step) => step.headers.length > 0,
  )
}

/** Whether any JSON body change is configured. */
export function bodyTransformSet(conf: Config): boolean {
  return [conf.remove, conf.rename, conf.replace, conf.add, conf.append].some((step) => step.json.length > 0)
}

/** Kong's test: one of the comma-separated media types is exactly `application/json` (any parameters). */
export function isJsonBody(contentType: string | string[] | null | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType
  if (value === undefined || value === null) return false
  return value.split(',').some((part) => {
    const media = /^\s*([^/\s;]+)\s*\/\s*([^;\s]+)/.exec(part)
    return media?.[1]?.toLowerCase() === 'application' && media[2]?.toLowerCase() === 'json'
  })
}

/**
 * Kong's header steps: remove, rename, replace (when present), add (when absent), append. The
 * presence tests read the headers as they were before the first step, as Kong does. When the
 * JSON body will change, Content-Length goes (the gateway sends the new body chunked).
 */
export function transformHeaders(kong: HeaderFilterKong, conf: Config): void {
  const headers = kong.response.getHeaders()
  for (const [, name] of pairs(conf.remove.headers)) kong.response.clearHeader(name)
  for (const [, from, to] of pairs(conf.rename.headers)) {
    const value = lookup(headers, from)
    if (value === undefined || to === null) continue
    kong.response.setHeader(to, value)
    kong.response.clearHeader(from)
  }
  for (const [, name, value] of pairs(conf.replace.headers)) {
    if (value !== null && lookup(headers, name) !== undefined) kong.response.setHeader(name, value)
  }
  for (const [, name, value] of pairs(conf.add.headers)) {
    if (value !== null && lookup(headers, name) === undefined) kong.response.setHeader(name, value)
  }
  for (const [, name, value] of pairs(conf.append.headers)) {
    if (value !== null) kong.response.addHeader(name, value)
  }
  if (bodyTransformSet(conf) && isJsonBody(lookup(headers, 'Content-Type'))) {
    kong.response.clearHeader('Content-Length')
  }
}
