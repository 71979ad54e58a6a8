import type { ColumnDataType } from 'kysely'
import type { ColumnType } from '../../../../sdk/index.ts'
import type { Storage } from '../../storage.ts'

export type SqlDialect = Storage['dialect']

/**
 * How each dialect declares a migration's column types. The values agree with what the generic DAO
 * writes (host/entities/dao/rows.ts): ids and JSON as text, booleans as 0/1, timestamps as integer
 * seconds. A new dialect is one more entry here.
 */
const DIALECT_TYPES: Record<SqlDialect, Record<ColumnType, ColumnDataType>> = {
  sqlite: {
    text: 'text',
    integer: 'integer',
    number: 'real',
    boolean: 'integer',
    uuid: 'text',
    json: 'text',
    timestamp: 'integer',
  },
}

export const sqlType = (dialect: SqlDialect, type: ColumnType): ColumnDataType => DIALECT_TYPES[dialect][type]

/** A default as the column stores it. */
export const sqlDefault = (type: ColumnType, value: string | number | boolean | null) =>
  type === 'boolean' && typeof value === 'boolean' ? Number(value) : value
