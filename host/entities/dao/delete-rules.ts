import { GatewayError } from '../../errors/index.ts'
import type { Db } from '../../storage/index.ts'
import type { ChangeEvent } from '../dao-types.ts'
import { fieldEntries } from '../validate/field-list.ts'
import type { GenericDao } from './generic-dao.ts'
import { fromColumns } from './rows.ts'

type Row = Record<string, unknown>

/** Foreign keys of other collections that point at `target`'s rows. */
function referencesTo(target: GenericDao, daos: GenericDao[]) {
  return daos.flatMap((dao) =>
    fieldEntries(dao.schema.fields)
      .filter(([, field]) => field.type === 'foreign' && field.reference === target.schema.name)
      .map(([name, field]) => ({ dao, column: `${name}_id`, cascade: field.on_delete === 'cascade' })),
  )
}

/**
 * Kong's delete rules: a row still referenced through a `restrict` foreign key (the default, e.g.
 * routes → services) is not deleted; rows referencing it through `cascade` keys (plugins) are
 * deleted with it, each with its own change event.
 */
export async function deleteWithRules(
  db: Db,
  dao: GenericDao,
  row: Row,
  daos: GenericDao[],
  events: ChangeEvent[],
): Promise<void> {
  const references = referencesTo(dao, daos)
  for (const reference of references.filter((entry) => !entry.cascade)) {
    const child = await db
      .selectFrom(reference.dao.schema.name)
      .select('id')
      .where(reference.column, '=', row.id)
      .executeTakeFirst()
    if (!child) continue
    throw new GatewayError(
      'FOREIGN_KEY_VIOLATION',
      `an existing '${reference.dao.schema.name}' entity references this '${dao.schema.name}' entity`,
      { '@referenced_by': reference.dao.schema.name },
    )
  }
  for (const reference of references.filter((entry) => entry.cascade)) {
    const children = await db
      .selectFrom(reference.dao.schema.name)
      .selectAll()
      .where(reference.column, '=', row.id)
      .execute()
    for (const child of children) {
      await deleteWithRules(db, reference.dao, fromColumns<Row>(reference.dao.schema, child), daos, events)
    }
  }
  await dao.deleteRow(db, row, events)
}
