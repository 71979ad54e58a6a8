import type { AccessKong } from 'isogate/sdk'
import type { Config } from './schema.ts'

/** What the request carries: one key (maybe empty), several values for one name, or nothing. */
export type Found = { key: string } | 'duplicate' | null

type Table = Record<string, unknown>

/** An unreadable body counts as an empty one, as Kong's get_body failure does. */
const EMPTY: Table = Object.freeze({}) as Table

/** Own properties only: a key name such as `constructor` must not reach the prototype. */
function lookup(table: Table, name: string): unknown {
  return Object.hasOwn(table, name) ? table[name] : undefined
}

/**
 * Kong's headers table: case-insensitive, and `_` in the name also finds `-`. Answers the name the
 * value was found under, so hide_credentials removes that very header.
 */
function headerOf(headers: Table, name: string): { name: string; value: unknown } {
  const lower = name.toLowerCase()
  const value = lookup(headers, lower)
  if (value !== undefined) return { name: lower, value }
  const hyphens = lower.replaceAll('_', '-')
  const other = lookup(headers, hyphens)
  return other === undefined ? { name: lower, value } : { name: hyphens, value: other }
}

async function readBody(kong: AccessKong): Promise<Table> {
  try {
    const body = await kong.request.getBody<unknown>()
    // A JSON array has no named fields (Lua looks its string keys up in vain).
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Table) : EMPTY
  } catch (error) {
    kong.log.info('Cannot process request body: ', (error as Error).message)
    return EMPTY
  }
}

/** Lua's `not v`: absent, null or false lets the next place be searched. */
const missing = (value: unknown) => value === undefined || value === null || value === false

/**
 * Kong's key search: for each name in `key_names`, the header, then the query string, then the
 * body (as enabled); the first string found is the key, a repeated value (an array or object) is a
 * duplicate. With `hide_credentials` the key's name is removed from the query string, the headers
 * and (when `key_in_body`) the body, which is then re-encoded in its own content type.
 */
export async function findKey(kong: AccessKong, conf: Config): Promise<Found> {
  const headers = kong.request.getHeaders() as Table
  const query = kong.request.getQuery() as Table
  let body: Table | undefined
  for (const name of conf.key_names) {
    let value: unknown
    let header = name
    if (conf.key_in_header) ({ name: header, value } = headerOf(headers, name))
    if (missing(value) && conf.key_in_query) value = lookup(query, name)
    if (missing(value) && conf.key_in_body) {
      body ??= await readBody(kong)
      value = lookup(body, name)
    }
    if (typeof value === 'string') {
      if (conf.hide_credentials) await hide(kong, conf, name, header, body)
      return { key: value }
    }
    if (typeof value === 'object' && value !== null) return 'duplicate'
  }
  return null
}

async function hide(
  kong: AccessKong,
  conf: Config,
  name: string,
  header: string,
  read: Table | undefined,
): Promise<void> {
  kong.service.request.clearQueryArg(name)
  kong.service.request.clearHeader(header)
  if (!conf.key_in_body) return
  const body = read ?? (await readBody(kong))
  if (body === EMPTY) return
  const kept = { ...body }
  delete kept[name]
  kong.service.request.setBody(kept)
}
