import type { Page, PageOptions } from '../entities/index.ts'
import { GatewayError } from '../errors/index.ts'

// Kong's tag characters: printable ASCII but ',' and '/', plus anything non-ASCII.
const TAG = '[\\x20-\\x2B\\x2D\\x2E\\x30-\\x7E\\u0080-\\uFFFF]'
const TAGS_AND = new RegExp(`^(${TAG}+(,|$))+$`)
const TAGS_OR = new RegExp(`^(${TAG}+(/|$))+$`)

/** `?size=&offset=&tags=` → page options, with Kong's errors for what the DAO cannot judge. */
export function pageOptions(query: URLSearchParams): PageOptions {
  const options: PageOptions = {}
  const size = query.get('size')
  if (size !== null) {
    const parsed = size.trim() === '' ? Number.NaN : Number(size)
    if (Number.isNaN(parsed)) throw new GatewayError('INVALID_SIZE', 'size must be a number')
    options.size = parsed
  }
  const offset = query.get('offset')
  if (offset !== null) options.offset = offset
  const tags = query.get('tags')
  if (tags !== null) Object.assign(options, parseTags(tags))
  return options
}

function parseTags(tags: string): Pick<PageOptions, 'tags' | 'tagsMode'> {
  if (TAGS_AND.test(tags)) return { tags: tags.split(',').filter(Boolean), tagsMode: 'and' }
  if (TAGS_OR.test(tags)) return { tags: tags.split('/').filter(Boolean), tagsMode: 'or' }
  throw new GatewayError('INVALID_OPTIONS', 'invalid option (tags: invalid filter syntax)', {
    tags: 'invalid filter syntax',
  })
}

/**
 * Kong's list body: `data`, `offset` only when there is a next page, and `next` (the same path
 * with `offset`, keeping `size` and `tags`) or null on the last page.
 */
export function listBody<T>(page: Page<T>, path: string, query: URLSearchParams): Record<string, unknown> {
  if (page.offset === null) return { data: page.data, next: null }
  const next = new URLSearchParams({ offset: page.offset })
  for (const key of ['size', 'tags']) {
    const value = query.get(key)
    if (value !== null) next.set(key, value)
  }
  return { data: page.data, offset: page.offset, next: `${path}?${next}` }
}
