import { GatewayError } from '../../errors/index.ts'
import type { Db } from '../../storage/index.ts'
import { changeCacheKeys } from '../cache-key.ts'
import type { ChangeEvent } from '../dao-types.ts'
import { fieldEntries } from '../validate/field-list.ts'
import type { GenericDao } from './generic-dao.ts'
import { fromColumns } from './rows.ts'
import { expired, notExpired } from './ttl.ts'

type Row = Record<string, unknown>

/** Foreign keys of other collections that point at `target`'s rows. */
function referencesTo(target: GenericDao, daos: GenericDao[]) {
  return daos.flatMap((dao) =>
    fieldEntries(dao.schema.fields)
      .filter(([, field]) => field.type === 'foreign' && field.reference === target.schema.name)
      .map(([name, field]) => ({
        dao,
        field: name,
        column: `${name}_id`,
        cascade: field.on_delete === 'cascade',
        setNull: field.on_delete === 'null',
      })),
  )
}

/** `on_delete = "null"`: the referencing rows stay, their key cleared, each with an update event. */
async function clearReferences(
  db: Db,
  reference: ReturnType<typeof referencesTo>[number],
  id: unknown,
  events: ChangeEvent[],
): Promise<void> {
  const { dao, field, column } = reference
  const rows = await db.selectFrom(dao.schema.name).selectAll().where(column, '=', id).execute()
  if (rows.length === 0) return
  await db
    .updateTable(dao.schema.name)
    .set({ [column]: null })
    .where(column, '=', id)
    .execute()
  for (const child of rows) {
    const before = fromColumns<Row>(dao.schema, child)
    events.push({
      entity: dao.name,
      op: 'update',
      ws_id: dao.schema.workspaceable ? (child.ws_id as string) : null,
      id: child.id as string,
      cacheKeys: changeCacheKeys(dao.schema, before, { ...before, [field]: null }),
    })
  }
}

/**
 * Kong's delete rules: a row still referenced through a `restrict` foreign key (the default, e.g.
 * routes → services) is not deleted; rows referencing it through `cascade` keys (plugins) are
 * deleted with it, and `null` keys are cleared, each with its own change event. Expired rows (ttl entities) do not restrict,
 * but are deleted with the row they reference.
 */
export async function deleteWithRules(
  db: Db,
  dao: GenericDao,
  row: Row,
  daos: GenericDao[],
  events: ChangeEvent[],
): Promise<void> {
  const references = referencesTo(dao, daos)
  const now = Date.now()
  for (const reference of references.filter((entry) => entry.setNull)) {
    await clearReferences(db, reference, row.id, events)
  }
  for (const reference of references.filter((entry) => !entry.cascade && !entry.setNull)) {
    let query = db.selectFrom(reference.dao.schema.name).select('id').where(reference.column, '=', row.id)
    if (reference.dao.schema.ttl) query = query.where(notExpired(now))
    if (!(await query.executeTakeFirst())) continue
    throw new GatewayError(
      'FOREIGN_KEY_VIOLATION',
      `an existing '${reference.dao.schema.name}' entity references this '${dao.schema.name}' entity`,
      { '@referenced_by': reference.dao.schema.name },
    )
  }
  for (const reference of references) {
    if (reference.setNull || (!reference.cascade && !reference.dao.schema.ttl)) continue
    let query = db.selectFrom(reference.dao.schema.name).selectAll().where(reference.column, '=', row.id)
    if (!reference.cascade) query = query.where(expired(now))
    for (const child of await query.execute()) {
      await deleteWithRules(
        db,
        reference.dao,
        fromColumns<Row>(reference.dao.schema, child, now),
        daos,
        events,
      )
    }
  }
  await dao.deleteRow(db, row, events)
}
