import type { HeaderRule, HostRule, Matcher } from './matcher.ts'
import type { RouteRequest } from './types.ts'

/**
 * What a successful test found on the path: the matched prefix, the regex result, or `true` when the
 * matcher has no path criterion. `false`: no match.
 */
export type PathHit = string | RegExpExecArray | boolean

function hostMatches(rules: readonly HostRule[], host: string, port: number): boolean {
  for (const rule of rules) {
    const ok =
      rule.kind === 'exact'
        ? host === rule.value
        : rule.kind === 'suffix'
          ? host.endsWith(rule.value)
          : host.startsWith(rule.value)
    if (ok && (rule.port === null || rule.port === port)) return true
  }
  return false
}

function headerValueMatches(rule: HeaderRule, value: string): boolean {
  const lower = value.toLowerCase()
  if (rule.values.includes(lower)) return true
  for (const pattern of rule.patterns) if (pattern.test(lower)) return true
  return false
}

/** Kong: `any(lower(http.headers.<name>))` equals one value or matches one regex, for every rule. */
function headersMatch(rules: readonly HeaderRule[], headers: RouteRequest['headers']): boolean {
  for (const rule of rules) {
    const value = headers[rule.name]
    if (value === undefined) return false
    if (typeof value === 'string') {
      if (!headerValueMatches(rule, value)) return false
      continue
    }
    let found = false
    for (const v of value) {
      if (headerValueMatches(rule, v)) {
        found = true
        break
      }
    }
    if (!found) return false
  }
  return true
}

function pathHit(matcher: Matcher, path: string): PathHit {
  if (matcher.prefixes !== null) {
    for (const prefix of matcher.prefixes) if (path.startsWith(prefix)) return prefix
    return false
  }
  if (matcher.regexes !== null) {
    for (const regex of matcher.regexes) {
      const m = regex.exec(path)
      if (m !== null) return m
    }
    return false
  }
  return true
}

/** Evaluates one matcher against a request whose path is already normalised. */
export function testMatcher(matcher: Matcher, req: RouteRequest, path: string): PathHit {
  if (matcher.methods !== null && !matcher.methods.includes(req.method)) return false
  // Kong: `(net.protocol != "https" || tls.sni == ...)`.
  if (matcher.snis !== null && req.scheme === 'https' && !matcher.snis.includes(req.sni ?? '')) return false
  if (matcher.hosts !== null && !hostMatches(matcher.hosts, req.host, req.port)) return false
  if (matcher.headers !== null && !headersMatch(matcher.headers, req.headers)) return false
  return pathHit(matcher, path)
}
