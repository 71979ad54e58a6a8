import { LRUCache } from 'lru-cache'
import type { PathHit } from './test-matcher.ts'
import type { RouteRequest } from './types.ts'

/**
 * Remembers which matcher (and what path hit) a set of request facts selected, as Kong's router
 * does with its positive and negative LRUs (`kong/router/atc.lua` `exec`). The key holds every fact
 * a matcher can look at: method, host, port, scheme, SNI, normalised path and the values of every
 * header name some route matches on, so two requests with one key always select the same matcher.
 * Results are rebuilt per request from the cached hit, so nothing cached is handed out or mutated.
 */
export interface CachedSelection {
  /** Rank of the selected matcher, -1 when nothing matched. */
  rank: number
  hit: PathHit
}

const NO_MATCH: CachedSelection = { rank: -1, hit: false }

/** Kong's default is 5,000 entries; a size bound on the keys keeps large headers from piling up. */
const MAX_ENTRIES = 5000
const MAX_KEY_CHARS = 8 * 1024 * 1024

/** Length-prefixed, so that no crafted value (a decoded `%0A` in a path...) can shift the fields. */
function part(value: string): string {
  return value.length + ':' + value
}

function headerPart(value: string | string[] | undefined): string {
  if (value === undefined) return '-'
  return typeof value === 'string' ? part(value) : value.length + '*' + value.map(part).join('')
}

export class MatchCache {
  private readonly lru = new LRUCache<string, CachedSelection>({
    max: MAX_ENTRIES,
    maxSize: MAX_KEY_CHARS,
    sizeCalculation: (_value, key) => key.length + 1,
  })

  constructor(private readonly headerNames: readonly string[]) {}

  key(req: RouteRequest, path: string): string {
    let key =
      part(req.method) + part(req.host) + req.port + ':' + req.scheme + part(req.sni ?? '') + part(path)
    for (const name of this.headerNames) key += headerPart(req.headers[name])
    return key
  }

  get(key: string): CachedSelection | undefined {
    return this.lru.get(key)
  }

  /** Stores and returns the selection for `key`. */
  remember(key: string, rank: number, hit: PathHit): CachedSelection {
    const selection = rank === -1 ? NO_MATCH : { rank, hit }
    this.lru.set(key, selection)
    return selection
  }
}
