import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely'
import type { ColumnSpec, MigrationStep } from '../../../../sdk/index.ts'
import type { EntitySchema } from '../../../entities/index.ts'
import type { Db } from '../../storage.ts'
import { type SqlDialect, sqlDefault, sqlType } from './column-types.ts'
import { hostColumns, scopedUnique, ttlIndexName, uniqueName } from './host-columns.ts'

export type StepRunner = (db: Db) => Promise<void>

type Table = CreateTableBuilder<string, string>

function column(spec: ColumnSpec) {
  return (builder: ColumnDefinitionBuilder) => {
    let col = builder
    // SQLite lets a non-integer primary key be null unless told otherwise.
    if (spec.primaryKey) col = col.primaryKey().notNull()
    else if (spec.notNull) col = col.notNull()
    if (spec.default !== undefined) col = col.defaultTo(sqlDefault(spec.type, spec.default))
    if (spec.references !== undefined) {
      col = col.references(`${spec.references}.id`)
      if (spec.onDelete) col = col.onDelete(spec.onDelete)
    }
    return col
  }
}

function createTable(
  step: Extract<MigrationStep, { createTable: string }>,
  entity: EntitySchema,
  dialect: SqlDialect,
): StepRunner {
  const name = step.createTable
  const columns = Object.entries(step.columns)
  const host = new Map(hostColumns(entity).map((col) => [col.name, col]))
  const uniques = (step.unique ?? []).map((set) => scopedUnique(entity, set))
  if (host.has('cache_key')) uniques.push(scopedUnique(entity, ['cache_key']))
  return async (db) => {
    let table: Table = db.schema.createTable(name)
    for (const [col, spec] of columns) {
      table = table.addColumn(col, sqlType(dialect, spec.type), column(spec))
    }
    if (host.has('ws_id')) {
      table = table.addColumn('ws_id', sqlType(dialect, 'uuid'), (col) =>
        col.notNull().references('workspaces.id').onDelete('cascade'),
      )
    }
    if (host.has('ttl')) table = table.addColumn('ttl', sqlType(dialect, 'integer'))
    if (host.has('cache_key')) table = table.addColumn('cache_key', sqlType(dialect, 'text'))
    for (const set of uniques) table = table.addUniqueConstraint(uniqueName(name, set), set)
    await table.execute()
    if (host.has('ttl')) await db.schema.createIndex(ttlIndexName(name)).on(name).column('ttl').execute()
  }
}

/** One checked step as kysely schema-builder calls; `entity` is the DAO owning the step's table. */
export function stepRunner(step: MigrationStep, entity: EntitySchema, dialect: SqlDialect): StepRunner {
  if ('createTable' in step) return createTable(step, entity, dialect)
  if ('addColumn' in step) {
    const { table, addColumn, spec } = step
    return async (db) => {
      await db.schema
        .alterTable(table)
        .addColumn(addColumn, sqlType(dialect, spec.type), column(spec))
        .execute()
    }
  }
  // A unique index of a workspaceable table is unique per workspace, like the table's unique sets.
  const columns = step.unique ? scopedUnique(entity, step.columns) : step.columns
  return async (db) => {
    let index = db.schema.createIndex(step.createIndex).on(step.table).columns(columns)
    if (step.unique) index = index.unique()
    await index.execute()
  }
}
