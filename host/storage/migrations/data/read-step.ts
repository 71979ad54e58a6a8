import type { ColumnSpec, MigrationStep } from '../../../../sdk/index.ts'
import { readColumn } from './read-column.ts'
import { identifier, isRecord, onlyKeys, quote, refuse, within } from './refusal.ts'

/**
 * A migration's default export as untrusted data (it was produced by plugin code): every value is
 * checked for shape and type here, before anything reaches the schema builder.
 */
const STEP_KEYS = {
  createTable: ['createTable', 'columns', 'unique'],
  addColumn: ['addColumn', 'table', 'spec'],
  createIndex: ['createIndex', 'table', 'columns', 'unique'],
} as const
type StepKind = keyof typeof STEP_KEYS
const STEP_KINDS = Object.keys(STEP_KEYS) as StepKind[]

export function readMigration(value: unknown): MigrationStep[] {
  if (!isRecord(value) || !Array.isArray(value.up))
    refuse('the default export must be an object { up: [...steps] }')
  onlyKeys(value, ['up'])
  return value.up.map((step: unknown, index) => within(`up[${index}]`, () => readStep(step)))
}

function readStep(step: unknown): MigrationStep {
  if (!isRecord(step)) refuse(`a step must be an object, not ${quote(step)}`)
  const kinds = STEP_KINDS.filter((kind) => Object.hasOwn(step, kind))
  const kind = kinds[0]
  if (kind === undefined) {
    const first = Object.keys(step)[0]
    refuse(`unknown step kind ${first === undefined ? '{}' : quote(first)} (one of ${STEP_KINDS.join(', ')})`)
  }
  if (kinds.length > 1) refuse(`a step is one of ${STEP_KINDS.join(', ')}, not ${kinds.join(' and ')}`)
  const name = identifier(step[kind], kind === 'addColumn' ? 'column name' : `${kind} name`)
  return within(`${kind} '${name}'`, () => {
    onlyKeys(step, STEP_KEYS[kind])
    if (kind === 'createTable') return { createTable: name, ...readTable(step) }
    const table = identifier(step.table, 'table')
    if (kind === 'addColumn')
      return { addColumn: name, table, spec: within('spec', () => readColumn(step.spec)) }
    const index: MigrationStep = { createIndex: name, table, columns: columnList(step.columns, 'columns') }
    if (step.unique !== undefined) {
      if (typeof step.unique !== 'boolean') refuse(`unique must be true or false, not ${quote(step.unique)}`)
      index.unique = step.unique
    }
    return index
  })
}

function readTable(step: Record<string, unknown>): {
  columns: Record<string, ColumnSpec>
  unique?: string[][]
} {
  if (!isRecord(step.columns)) refuse('columns must be an object of column specs ({ id: { type: ... } })')
  const names = Object.keys(step.columns)
  if (names.length === 0) refuse('columns is empty')
  const columns: Record<string, ColumnSpec> = {}
  for (const name of names) {
    identifier(name, 'column name')
    columns[name] = within(`column '${name}'`, () =>
      readColumn((step.columns as Record<string, unknown>)[name]),
    )
  }
  if (step.unique === undefined) return { columns }
  if (!Array.isArray(step.unique)) refuse('unique must be a list of column lists ([["a"], ["b", "c"]])')
  const unique = step.unique.map((set: unknown, index) => columnList(set, `unique[${index}]`))
  return { columns, unique }
}

/** A non-empty list of distinct column names. */
function columnList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.length === 0) refuse(`${what} must be a non-empty list of column names`)
  const names = value.map((name: unknown) => identifier(name, `${what} column`))
  const repeated = names.find((name, index) => names.indexOf(name) !== index)
  if (repeated !== undefined) refuse(`${what} names column '${repeated}' twice`)
  return names
}
