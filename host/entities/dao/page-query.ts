import { GatewayError } from '../../errors/index.ts'
import type { Db } from '../../storage/index.ts'
import type { PageOptions } from '../dao-types.ts'
import type { EntitySchema } from '../schema-types.ts'
import { findField } from '../validate/field-list.ts'
import { checkSize, checkTags, decodeOffset, encodeOffset } from './pagination.ts'
import { notExpired } from './ttl.ts'

type Row = Record<string, unknown>

/**
 * One page of a collection, ordered by id (as Kong's PostgreSQL strategy): workspace scope,
 * foreign filter (nested endpoints), tags (`and`: all of them, `or`: any), opaque offsets;
 * expired rows are left out.
 */
export async function pageQuery(
  db: Db,
  schema: EntitySchema,
  ws: string,
  options: PageOptions,
): Promise<{ rows: Row[]; offset: string | null }> {
  const size = checkSize(options.size)
  checkTags(options.tags)
  let query = db.selectFrom(schema.name).selectAll()
  if (schema.workspaceable) query = query.where('ws_id', '=', ws)
  if (schema.ttl) query = query.where(notExpired(Date.now()))
  if (options.foreign) {
    const field = findField(schema.fields, options.foreign.field)
    if (field?.type !== 'foreign') {
      throw new GatewayError(
        'INVALID_OPTIONS',
        `invalid option (foreign: '${options.foreign.field}' is not a foreign key of '${schema.name}')`,
      )
    }
    query = query.where(`${options.foreign.field}_id`, '=', options.foreign.id)
  }
  const tags = options.tags ?? []
  if (tags.length > 0) {
    let tagged = db
      .selectFrom('tags')
      .select('entity_id')
      .where('entity_name', '=', schema.name)
      .where('tag', 'in', tags)
    if (options.tagsMode !== 'or') {
      tagged = tagged.groupBy('entity_id').having((eb) => eb.fn.countAll(), '=', new Set(tags).size)
    }
    query = query.where('id', 'in', tagged)
  }
  if (options.offset !== undefined) {
    const [last] = decodeOffset(options.offset, 1) as [string]
    query = query.where('id', '>', last)
  }
  const rows = (await query
    .orderBy('id')
    .limit(size + 1)
    .execute()) as Row[]
  const page = rows.slice(0, size)
  const last = page[page.length - 1]
  return { rows: page, offset: rows.length > size && last ? encodeOffset([last.id as string]) : null }
}
