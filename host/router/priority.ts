/**
 * Route precedence, as Kong 3.x computes it for `router_flavor = traditional_compatible`:
 * `get_priority` in `kong/router/transform.lua` (formerly `kong/router/compat.lua`) packs a 64-bit
 * number that the ATC router (Kong/atc-router `src/router.rs`) evaluates highest first.
 * Most significant first:
 *   1. how many kinds of criteria the route has (methods, hosts, headers, snis, paths each count one);
 *   2. hosts given and none of them a wildcard ("plain hosts only") beat wildcard or no hosts;
 *   3. the number of distinct header names;
 *   4. regex paths beat prefix paths;
 *   5. among regex paths, the higher `regex_priority`;
 *   6. among prefix paths, the longer prefix (byte length).
 * A route whose paths differ in length or mix regex and prefix is split beforehand into one matcher
 * per length and one for all its regexes (`split_routes_and_services_by_path`), so each part ranks
 * on its own paths.
 * Ties: ATC has no rule but its map order (the higher uuid first). We first apply the traditional
 * router's last rule, the older `created_at` first (`sort_routes` in `kong/router/traditional.lua`),
 * then ATC's higher id first, so the order is total and stable across rebuilds.
 */
export interface Priority {
  weight: number
  plainHostsOnly: boolean
  headerCount: number
  regex: boolean
  regexPriority: number
  prefixLength: number
  createdAt: number
  id: string
}

/** ATC keeps 8 bits for the header count and 19 bits for the prefix length. */
const MAX_HEADER_COUNT = 255
const MAX_PREFIX_LENGTH = 0x7ffff

export function capHeaderCount(count: number): number {
  return Math.min(count, MAX_HEADER_COUNT)
}

export function capPrefixLength(length: number): number {
  return length & MAX_PREFIX_LENGTH
}

/** Sort comparator: negative when `a` must be tried before `b`. */
export function comparePriority(a: Priority, b: Priority): number {
  return (
    b.weight - a.weight ||
    Number(b.plainHostsOnly) - Number(a.plainHostsOnly) ||
    b.headerCount - a.headerCount ||
    Number(b.regex) - Number(a.regex) ||
    b.regexPriority - a.regexPriority ||
    b.prefixLength - a.prefixLength ||
    a.createdAt - b.createdAt ||
    (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
  )
}
