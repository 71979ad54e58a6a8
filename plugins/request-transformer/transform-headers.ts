import type { AccessKong } from 'isogate/sdk'
import { appendValue, parsePair } from './pairs.ts'
import type { Config } from './schema.ts'
import { render, type TemplateEnv } from './template.ts'

type Value = string | string[]

/** `name:value` entries with their values rendered (null when an entry has none). */
export function* entries(list: readonly string[], env: TemplateEnv): Generator<[string, string | null]> {
  for (const entry of list) {
    const pair = parsePair(entry)
    if (pair) yield [pair.name, pair.value === null ? null : render(pair.value, env)]
  }
}

/**
 * Kong's header steps, in order: remove, rename, replace (Host may always be replaced), add (when
 * absent), append. Works on a copy of the request headers (Host excluded) and then sends only
 * what changed: cleared names first, then the new values.
 */
export function transformHeaders(kong: AccessKong, conf: Config, env: TemplateEnv): void {
  const headers = new Map<string, { name: string; value: Value }>()
  for (const [name, value] of Object.entries(kong.request.getHeaders())) {
    if (name !== 'host') headers.set(name, { name, value })
  }
  const cleared = new Set<string>()
  const changed = new Set<string>()
  const set = (name: string, value: Value) => {
    headers.set(name.toLowerCase(), { name, value })
    changed.add(name.toLowerCase())
  }

  for (const [name] of entries(conf.remove.headers, env)) {
    const key = name.toLowerCase()
    if (headers.delete(key)) cleared.add(key)
  }
  for (const [from, to] of entries(conf.rename.headers, env)) {
    const key = from.toLowerCase()
    const old = headers.get(key)
    if (old === undefined || to === null) continue
    // Set, then drop the old name: renaming a header to its own name removes it, as in Kong.
    set(to.toLowerCase(), old.value)
    headers.delete(key)
    cleared.add(key)
  }
  for (const [name, value] of entries(conf.replace.headers, env)) {
    const key = name.toLowerCase()
    if (value !== null && (headers.has(key) || key === 'host')) set(key, value)
  }
  for (const [name, value] of entries(conf.add.headers, env)) {
    const key = name.toLowerCase()
    if (value !== null && !headers.has(key) && key !== 'host') set(name, value)
  }
  for (const [name, value] of entries(conf.append.headers, env)) {
    if (value !== null) set(name, appendValue(headers.get(name.toLowerCase())?.value, value))
  }

  for (const key of cleared) if (!headers.has(key)) kong.service.request.clearHeader(key)
  for (const key of changed) {
    const header = headers.get(key)
    if (header) kong.service.request.setHeader(header.name, header.value)
  }
}
