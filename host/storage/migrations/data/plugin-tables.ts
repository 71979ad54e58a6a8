import type { ColumnSpec, ColumnType, MigrationStep } from '../../../../sdk/index.ts'
import type { EntitySchema } from '../../../entities/index.ts'
import { coreEntityTables } from '../core/index.ts'
import { hostColumns, scopedUnique, ttlIndexName, uniqueName } from './host-columns.ts'
import { list, quote, refuse } from './refusal.ts'

/** One plugin table as its migrations so far leave it. */
export interface TableState {
  entity: EntitySchema
  columns: Map<string, ColumnType>
  primaryKey: string[]
  /** The migration that created it. */
  createdBy: string
}

/**
 * The plugin's schema as its migrations build it, step by step, from nothing: each step is
 * checked against what earlier steps made, so a mistake is reported at load with its file and
 * step instead of failing half-way through `migrations up`. Plugins only ever create, so the
 * whole history is known up front.
 */
export class PluginTables {
  private readonly tables = new Map<string, TableState>()
  private readonly indexes = new Set<string>()
  private readonly daoNames: string[]

  constructor(private readonly daos: readonly EntitySchema[]) {
    this.daoNames = daos.map((entity) => entity.name)
  }

  table(name: string): TableState | undefined {
    return this.tables.get(name)
  }

  /** Checks the step against the schema so far and records what it makes; returns the table's entity. */
  apply(step: MigrationStep, migration: string): EntitySchema {
    if ('createTable' in step) return this.createTable(step, migration)
    if ('addColumn' in step) return this.addColumn(step.table, step.addColumn, step.spec)
    return this.createIndex(step.table, step.createIndex, step.columns)
  }

  private createTable(
    step: Extract<MigrationStep, { createTable: string }>,
    migration: string,
  ): EntitySchema {
    const name = step.createTable
    const entity = this.entity(name)
    const existing = this.tables.get(name)
    if (existing) refuse(`table '${name}' is already created by migrations/${existing.createdBy}.ts`)
    const columns = new Map<string, ColumnType>()
    for (const [column, spec] of Object.entries(step.columns)) {
      if (spec.references !== undefined) this.checkReference(column, spec.references, name)
      columns.set(column, spec.type)
    }
    for (const host of hostColumns(entity)) {
      if (columns.has(host.name)) refuse(`column '${host.name}' is added by the gateway (${host.because})`)
      columns.set(host.name, host.type)
    }
    const primaryKey = Object.keys(step.columns).filter((column) => step.columns[column]?.primaryKey)
    if (primaryKey.length !== 1) {
      refuse(
        primaryKey.length
          ? `only one column may be the primary key, not ${list(primaryKey)}`
          : 'the table has no primary key (mark a column primaryKey: true)',
      )
    }
    for (const [index, set] of (step.unique ?? []).entries()) {
      const unknown = set.find((column) => !columns.has(column))
      if (unknown !== undefined)
        refuse(`unique[${index}] names column '${unknown}', which the table does not have`)
      this.claimIndex(uniqueName(name, scopedUnique(entity, set)))
    }
    if (columns.has('ttl')) this.claimIndex(ttlIndexName(name))
    if (columns.has('cache_key')) this.claimIndex(uniqueName(name, scopedUnique(entity, ['cache_key'])))
    this.tables.set(name, { entity, columns, primaryKey, createdBy: migration })
    return entity
  }

  private addColumn(tableName: string, column: string, spec: ColumnSpec): EntitySchema {
    const table = this.created(tableName)
    const host = hostColumns(table.entity).find((candidate) => candidate.name === column)
    if (host) refuse(`column '${column}' is added by the gateway (${host.because})`)
    if (table.columns.has(column)) refuse(`table '${tableName}' already has a column '${column}'`)
    if (spec.primaryKey) refuse('a primary key column cannot be added to an existing table')
    if (spec.notNull && (spec.default ?? null) === null)
      refuse(
        'a notNull column added to an existing table needs a non-null default (for the rows already there)',
      )
    if (spec.references !== undefined) this.checkReference(column, spec.references, tableName)
    table.columns.set(column, spec.type)
    return table.entity
  }

  private createIndex(tableName: string, index: string, columns: readonly string[]): EntitySchema {
    const table = this.created(tableName)
    if (!index.startsWith(`${tableName}_`))
      refuse(`the index name must start with '${tableName}_' (index names are shared by all tables)`)
    const unknown = columns.find((column) => !table.columns.has(column))
    if (unknown !== undefined) refuse(`table '${tableName}' has no column '${unknown}'`)
    this.claimIndex(index)
    return table.entity
  }

  private claimIndex(name: string): void {
    if (this.indexes.has(name)) refuse(`index name '${name}' is already used by an earlier step`)
    this.indexes.add(name)
  }

  /** A plugin touches only the tables of its own entities (daos.ts). */
  private entity(table: string): EntitySchema {
    const entity = this.daos.find((candidate) => candidate.name === table)
    if (entity) return entity
    const allowed = this.daoNames.length ? `it may use ${list(this.daoNames)}` : 'its daos.ts declares none'
    return refuse(`table ${quote(table)} is not one of the plugin's entities; ${allowed}`)
  }

  private created(table: string): TableState {
    this.entity(table)
    const state = this.tables.get(table)
    if (!state) refuse(`table '${table}' is not created by an earlier step`)
    return state
  }

  /** Foreign keys point at a core entity table or at one of the plugin's tables (itself included). */
  private checkReference(column: string, target: string, table: string): void {
    if (coreEntityTables.includes(target) || this.tables.has(target) || target === table) return
    if (this.daoNames.includes(target))
      refuse(`column '${column}' references '${target}', which no earlier step creates`)
    refuse(
      `column '${column}' references ${quote(target)}, which is neither a core entity table (${list(coreEntityTables)}) nor one of the plugin's tables (${list(this.daoNames)})`,
    )
  }
}
