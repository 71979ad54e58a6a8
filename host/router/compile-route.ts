import type { Route, Service } from '../entities/types.ts'
import type { HeaderRule, HostRule, Matcher } from './matcher.ts'
import { normalizePath } from './normalize.ts'
import { compilePathRegex } from './path-regex.ts'
import { capHeaderCount, capPrefixLength } from './priority.ts'

/** Header values starting with this are case-insensitive regexes (Kong 3.x `get_expression`). */
const HEADER_REGEX_MARK = '~*'

function nonEmpty<T>(list: readonly T[] | null | undefined): list is readonly T[] {
  return list !== null && list !== undefined && list.length > 0
}

/** `split_host_port` (kong/router/transform.lua): a port only when all after the first `:` is digits. */
function hostRule(raw: string): HostRule {
  const lower = raw.toLowerCase()
  const colon = lower.indexOf(':')
  const portText = colon === -1 ? '' : lower.slice(colon + 1)
  const hasPort = /^\d+$/.test(portText)
  const host = hasPort ? lower.slice(0, colon) : lower
  const port = hasPort ? Number(portText) : null
  if (host.startsWith('*')) return { kind: 'suffix', value: host.slice(1), port }
  if (host.endsWith('*')) return { kind: 'prefix', value: host.slice(0, -1), port }
  return { kind: 'exact', value: host, port }
}

function headerRules(headers: Record<string, string[]>): HeaderRule[] {
  const rules: HeaderRule[] = []
  for (const [name, list] of Object.entries(headers)) {
    if (!nonEmpty(list)) continue
    const values: string[] = []
    const patterns: RegExp[] = []
    for (const value of list) {
      if (value.startsWith(HEADER_REGEX_MARK)) patterns.push(new RegExp(value.slice(2), 'i'))
      else values.push(value.toLowerCase())
    }
    // nginx exposes `x_foo` and `x-foo` alike; node keeps the dash.
    rules.push({ name: name.toLowerCase().replaceAll('_', '-'), values, patterns })
  }
  return rules
}

/** Paths grouped as Kong splits them: all regexes together, prefixes by byte length. */
function groupPaths(paths: readonly string[]): string[][] {
  const groups = new Map<string | number, string[]>()
  for (const path of paths) {
    const key = path.startsWith('~') ? 'regex' : Buffer.byteLength(path)
    const group = groups.get(key)
    if (group) group.push(path)
    else groups.set(key, [path])
  }
  return [...groups.values()]
}

interface PathPart {
  prefixes: string[] | null
  regexes: RegExp[] | null
  pathKeys: string[] | null
  prefixLength: number
}

function pathPart(group: readonly string[]): PathPart {
  if (!group[0]!.startsWith('~')) {
    const prefixes = group.map((p) => normalizePath(p))
    return { prefixes, regexes: null, pathKeys: prefixes, prefixLength: Buffer.byteLength(group[0]!) }
  }
  const compiled = group.map(compilePathRegex)
  const indexable = compiled.every((c) => c.literalPrefix !== '')
  return {
    prefixes: null,
    regexes: compiled.map((c) => c.regex),
    pathKeys: indexable ? compiled.map((c) => c.literalPrefix) : null,
    prefixLength: 0,
  }
}

/**
 * Compiles a route into one matcher per path group (one matcher when it has no paths).
 * Throws (SyntaxError) when one of its regexes cannot be compiled.
 */
export function compileRoute(route: Route, service: Service | null): Matcher[] {
  const methods = nonEmpty(route.methods) ? route.methods.map((m) => m.toUpperCase()) : null
  const hosts = nonEmpty(route.hosts) ? route.hosts.map(hostRule) : null
  const headerList = route.headers ? headerRules(route.headers) : []
  const headers = headerList.length > 0 ? headerList : null
  const snis = nonEmpty(route.snis) ? route.snis.map((s) => (s.length > 1 ? s.replace(/\.$/, '') : s)) : null
  const hasPaths = nonEmpty(route.paths)
  const weight =
    Number(methods !== null) +
    Number(hosts !== null) +
    Number(headers !== null) +
    Number(snis !== null) +
    Number(hasPaths)
  const plainHostsOnly = hosts?.every((h) => h.kind === 'exact') ?? false
  const groups = hasPaths ? groupPaths(route.paths!) : [null]
  return groups.map((group) => {
    const part: PathPart = group
      ? pathPart(group)
      : { prefixes: null, regexes: null, pathKeys: null, prefixLength: 0 }
    return {
      route,
      service,
      servicePath: service?.path ?? '/',
      methods,
      hosts,
      headers,
      snis,
      prefixes: part.prefixes,
      regexes: part.regexes,
      pathKeys: part.pathKeys,
      priority: {
        weight,
        plainHostsOnly,
        headerCount: capHeaderCount(headers?.length ?? 0),
        regex: part.regexes !== null,
        regexPriority: part.regexes !== null ? (route.regex_priority ?? 0) : 0,
        prefixLength: capPrefixLength(part.prefixLength),
        createdAt: route.created_at,
        id: route.id,
      },
    }
  })
}
