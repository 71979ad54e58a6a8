import type { HostRule } from './matcher.ts'

function add(map: Map<string, number[]>, key: string, rank: number): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [rank])
  else if (list[list.length - 1] !== rank) list.push(rank)
}

/**
 * Matcher ranks by host: exact names, `*.suffix` and `prefix.*` wildcards. A request host is looked
 * up as a whole, then at each dot for wildcards. Ports are left to the matcher's own test.
 */
export class HostIndex {
  private readonly exact = new Map<string, number[]>()
  private readonly suffix = new Map<string, number[]>()
  private readonly prefix = new Map<string, number[]>()

  /** Whether the index can stand for the rule (wildcards must cover whole labels). */
  static canIndex(rule: HostRule): boolean {
    if (rule.kind === 'suffix') return rule.value.startsWith('.')
    if (rule.kind === 'prefix') return rule.value.endsWith('.')
    return true
  }

  /** Ranks must be inserted in ascending order. */
  insert(rule: HostRule, rank: number): void {
    const map = rule.kind === 'exact' ? this.exact : rule.kind === 'suffix' ? this.suffix : this.prefix
    add(map, rule.value, rank)
  }

  collect(host: string, out: number[][]): void {
    const exact = this.exact.get(host)
    if (exact !== undefined) out.push(exact)
    if (this.suffix.size === 0 && this.prefix.size === 0) return
    // A host has few dots; each is a candidate wildcard boundary.
    for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.', dot + 1)) {
      if (this.suffix.size > 0) {
        const list = this.suffix.get(host.slice(dot))
        if (list !== undefined) out.push(list)
      }
      if (this.prefix.size > 0) {
        const list = this.prefix.get(host.slice(0, dot + 1))
        if (list !== undefined) out.push(list)
      }
    }
  }
}
