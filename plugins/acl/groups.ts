import type { AccessKong } from 'isogate/sdk'

/** Kong loads a consumer's ACLs 1000 at a time; this bounds the walk (100k groups). */
const PAGE_SIZE = 1000
const MAX_PAGES = 100

async function readGroups(kong: AccessKong, consumerId: string): Promise<string[]> {
  const groups: string[] = []
  let offset: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await kong.db.acls.pageForConsumer(
      { id: consumerId },
      offset === undefined ? { size: PAGE_SIZE } : { size: PAGE_SIZE, offset },
    )
    for (const row of result.data) groups.push(row.group as string)
    if (result.offset === null) break
    offset = result.offset
  }
  return groups
}

/**
 * A consumer's ACL groups, cached as Kong's acl does under `kong.db.acls.cacheKey(consumerId)`:
 * daos.ts declares `alsoInvalidates: [['consumer']]`, so any change to one of the consumer's rows
 * through the Admin API drops the list before the next request.
 */
export async function consumerGroups(kong: AccessKong, consumerId: string): Promise<string[]> {
  const key = kong.db.acls.cacheKey(consumerId)
  return (await kong.cache.get(key, null, readGroups, kong, consumerId)) ?? []
}

/**
 * Kong's authenticated groups (`kong.ctx.shared.authenticated_groups`, set by an authentication
 * plugin that knows groups without ACL rows): a list of names; any other object is a Lua table
 * without an array part, so an empty list; anything else means there are none.
 */
export function authenticatedGroups(kong: AccessKong): string[] | null {
  const value = kong.ctx.shared.authenticated_groups
  if (Array.isArray(value)) {
    return value.filter((group) => typeof group === 'string' || typeof group === 'number').map(String)
  }
  return typeof value === 'object' && value !== null ? [] : null
}
