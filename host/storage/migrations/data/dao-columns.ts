import type { ColumnType } from '../../../../sdk/index.ts'
import type { EntitySchema, FieldType } from '../../../entities/index.ts'
import type { TableState } from './plugin-tables.ts'
import { list, refuse } from './refusal.ts'

/**
 * The column types that hold each field type as the generic DAO stores it (host/entities/dao/rows.ts):
 * foreign keys as the id in `<field>_id`, booleans as 0/1, arrays, sets, maps and records as JSON text.
 */
const HOLDS: Record<FieldType, readonly ColumnType[]> = {
  string: ['text', 'uuid'],
  integer: ['integer', 'timestamp'],
  number: ['number'],
  boolean: ['boolean'],
  array: ['json'],
  set: ['json'],
  map: ['json'],
  record: ['json'],
  json: ['json'],
  foreign: ['uuid', 'text'],
}

const columnOf = (field: string, type: FieldType) => (type === 'foreign' ? `${field}_id` : field)

/** Once every migration is applied, each field of the entity must have a column of a fitting type. */
export function checkDaoColumns(entity: EntitySchema, table: TableState): void {
  const primaryKey = entity.primaryKey
  if (table.primaryKey.join(',') !== primaryKey.join(','))
    refuse(`the primary key is (${list(table.primaryKey)}), but daos.ts declares (${list(primaryKey)})`)
  for (const definition of entity.fields) {
    for (const [field, schema] of Object.entries(definition)) {
      const column = columnOf(field, schema.type)
      const fitting = HOLDS[schema.type]
      const type = table.columns.get(column)
      if (type === undefined)
        refuse(
          `field '${field}' (${schema.type}) of daos.ts needs a column '${column}' (${fitting.join(' or ')})`,
        )
      if (!fitting.includes(type))
        refuse(
          `field '${field}' (${schema.type}) of daos.ts is stored in column '${column}' of type ${type}; declare it ${fitting.join(' or ')}`,
        )
    }
  }
}
