import type { Db } from '../../storage/index.ts'
import type { Page } from '../dao-types.ts'
import type { TagRow, TagsOptions } from '../entities-types.ts'
import { checkSize, decodeOffset, encodeOffset } from './pagination.ts'
import { expired } from './ttl.ts'

/** 4 parameters a row. */
const TAG_ROWS_PER_INSERT = 200

/** Keeps the `tags` table (one row per entity and tag) in step with an entity's `tags`. */
export async function writeTags(
  db: Db,
  entity: { name: string; id: string; ws: string | null; tags: unknown },
): Promise<void> {
  await db.deleteFrom('tags').where('entity_id', '=', entity.id).execute()
  const tags = Array.isArray(entity.tags) ? (entity.tags as string[]) : []
  // In slices, so no statement passes SQLite's bound parameters limit (999 on older builds).
  for (let at = 0; at < tags.length; at += TAG_ROWS_PER_INSERT) {
    const slice = tags.slice(at, at + TAG_ROWS_PER_INSERT)
    await db
      .insertInto('tags')
      .values(slice.map((tag) => ({ entity_id: entity.id, entity_name: entity.name, ws_id: entity.ws, tag })))
      .execute()
  }
}

export async function deleteTags(db: Db, id: string): Promise<void> {
  await db.deleteFrom('tags').where('entity_id', '=', id).execute()
}

/**
 * Kong's /tags: every (tag, entity) of a workspace, ordered by tag then entity id; entities of
 * `ttlTables` that have expired are left out.
 */
export async function pageTags(
  db: Db,
  ws: string,
  options: TagsOptions,
  ttlTables: readonly string[] = [],
): Promise<Page<TagRow>> {
  const size = checkSize(options.size)
  let query = db.selectFrom('tags').select(['entity_name', 'entity_id', 'tag']).where('ws_id', '=', ws)
  if (options.tag !== undefined) query = query.where('tag', '=', options.tag)
  const now = Date.now()
  for (const table of ttlTables) {
    query = query.where('entity_id', 'not in', db.selectFrom(table).select('id').where(expired(now)))
  }
  if (options.offset !== undefined) {
    const [tag, id] = decodeOffset(options.offset, 2) as [string, string]
    query = query.where((eb) =>
      eb.or([eb('tag', '>', tag), eb.and([eb('tag', '=', tag), eb('entity_id', '>', id)])]),
    )
  }
  const rows = (await query
    .orderBy('tag')
    .orderBy('entity_id')
    .limit(size + 1)
    .execute()) as TagRow[]
  const data = rows.slice(0, size)
  const last = data[data.length - 1]
  return { data, offset: rows.length > size && last ? encodeOffset([last.tag, last.entity_id]) : null }
}
