import type { ColumnSpec, ColumnType } from '../../../../sdk/index.ts'
import { isRecord, list, onlyKeys, quote, refuse } from './refusal.ts'

export const COLUMN_TYPES: readonly ColumnType[] = [
  'text',
  'integer',
  'number',
  'boolean',
  'uuid',
  'json',
  'timestamp',
]
const ON_DELETE: readonly string[] = ['cascade', 'restrict', 'set null']
const SPEC_KEYS = ['type', 'primaryKey', 'notNull', 'references', 'onDelete', 'default']

const isColumnType = (value: unknown): value is ColumnType => COLUMN_TYPES.includes(value as ColumnType)

function flag(spec: Record<string, unknown>, key: string): boolean | undefined {
  const value = spec[key]
  if (value !== undefined && typeof value !== 'boolean')
    refuse(`${key} must be true or false, not ${quote(value)}`)
  return value
}

/** A default must be stored as the column stores its values (booleans as 0/1, JSON as text). */
function checkDefault(type: ColumnType, value: unknown): void {
  if (value === null) return
  const fits =
    type === 'boolean'
      ? typeof value === 'boolean'
      : type === 'integer' || type === 'timestamp'
        ? Number.isSafeInteger(value)
        : type === 'number'
          ? typeof value === 'number' && Number.isFinite(value)
          : typeof value === 'string'
  if (!fits) refuse(`default ${quote(value)} does not fit type ${type}`)
  if (type === 'json' && !isJson(value as string)) refuse(`default ${quote(value)} is not JSON text`)
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** One column spec from untrusted data; which tables `references` may name is checked by the schema model. */
export function readColumn(spec: unknown): ColumnSpec {
  if (!isRecord(spec)) refuse(`a column spec must be an object like { type: 'text' }, not ${quote(spec)}`)
  onlyKeys(spec, SPEC_KEYS)
  if (!isColumnType(spec.type))
    refuse(`unknown column type ${quote(spec.type)} (one of ${list(COLUMN_TYPES)})`)
  const column: ColumnSpec = { type: spec.type }
  const primaryKey = flag(spec, 'primaryKey')
  const notNull = flag(spec, 'notNull')
  if (primaryKey !== undefined) column.primaryKey = primaryKey
  if (notNull !== undefined) column.notNull = notNull
  if (spec.references !== undefined) {
    if (typeof spec.references !== 'string')
      refuse(`references must be a table name, not ${quote(spec.references)}`)
    if (column.type !== 'uuid' && column.type !== 'text')
      refuse(`a column with references holds an id: its type must be uuid or text, not ${column.type}`)
    column.references = spec.references
  }
  if (spec.onDelete !== undefined) {
    if (column.references === undefined) refuse('onDelete needs references')
    if (!ON_DELETE.includes(spec.onDelete as string))
      refuse(`onDelete ${quote(spec.onDelete)} is not one of ${list(ON_DELETE)}`)
    column.onDelete = spec.onDelete as ColumnSpec['onDelete']
  }
  if (spec.default !== undefined) {
    if (column.references !== undefined && spec.default !== null)
      refuse('a column with references cannot have a default')
    checkDefault(column.type, spec.default)
    column.default = spec.default as ColumnSpec['default']
  }
  return column
}
