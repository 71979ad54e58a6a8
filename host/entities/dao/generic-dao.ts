import { GatewayError } from '../../errors/index.ts'
import type { Db } from '../../storage/index.ts'
import type { ChangeEvent, EntityDao, Page, PageOptions } from '../dao-types.ts'
import type { EntitySchema } from '../schema-types.ts'
import { mergeValues, processAutoFields, type WriteContext } from '../validate/defaults.ts'
import { isUuid } from '../validate/field.ts'
import { type FieldErrorMap, luaPretty, schemaViolation } from '../validate/field-errors.ts'
import { findField, isPlainObject } from '../validate/field-list.ts'
import { validateRecord } from '../validate/record.ts'
import type { EntityContext } from './context.ts'
import { deleteWithRules } from './delete-rules.ts'
import type { EntityHooks } from './hooks.ts'
import { pageQuery } from './page-query.ts'
import { columnOf, encodeLookup, fromColumns, toColumns } from './rows.ts'
import { writeTags } from './tags-store.ts'
import {
  type Collection,
  type CollectionLookup,
  cacheKeyOf,
  checkForeignKeys,
  checkPrimaryKey,
  checkUnique,
  resolveForeign,
} from './write-checks.ts'

type Row = Record<string, unknown>

/** The DAOs of one context, by schema name (for foreign keys and delete rules). */
export interface DaoRegistry {
  get(name: string): GenericDao | undefined
  all(): GenericDao[]
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

/**
 * One schema-driven DAO for every entity (Kong's kong/db/dao/init.lua): validation and defaults
 * from the schema, Kong's errors, workspace scoping, tags, foreign keys and delete rules. Each
 * method commits before it returns (or joins the enclosing transaction).
 */
export class GenericDao<T extends object = Row> implements EntityDao<T>, Collection {
  readonly name: string

  constructor(
    readonly schema: EntitySchema,
    private readonly context: EntityContext,
    private readonly registry: DaoRegistry,
    private readonly hooks: EntityHooks = {},
  ) {
    this.name = schema.adminApiName ?? schema.name
    this.lookup = (name) => registry.get(name)
  }

  private readonly lookup: CollectionLookup

  // ---- reads ----

  private scoped(db: Db, ws: string) {
    const query = db.selectFrom(this.schema.name).selectAll()
    return this.schema.workspaceable ? query.where('ws_id', '=', ws) : query
  }

  async findRow(db: Db, ws: string, field: string, value: unknown): Promise<Row | null> {
    const definition = findField(this.schema.fields, field)
    if (!definition) return null
    const row = await this.scoped(db, ws)
      .where(columnOf(field, definition), '=', encodeLookup(definition, value))
      .executeTakeFirst()
    return row ? fromColumns<Row>(this.schema, row) : null
  }

  async findId(db: Db, ws: string, field: string, value: unknown): Promise<string | null> {
    return ((await this.findRow(db, ws, field, value))?.id as string | undefined) ?? null
  }

  /** By id when `key` is a UUID (then by endpoint key, as Kong falls back), else by endpoint key. */
  async findByKey(db: Db, ws: string, key: string): Promise<Row | null> {
    const byId = isUuid(key) ? await this.findRow(db, ws, 'id', key) : null
    if (byId || !this.schema.endpointKey) return byId
    return this.findRow(db, ws, this.schema.endpointKey, key)
  }

  select(ws: string, id: string): Promise<T | null> {
    if (!isUuid(id)) return Promise.resolve(null)
    return this.context.read((db) => this.findRow(db, ws, 'id', id)) as Promise<T | null>
  }

  selectByKey(ws: string, key: string): Promise<T | null> {
    return this.context.read((db) => this.findByKey(db, ws, key)) as Promise<T | null>
  }

  async page(ws: string, options: PageOptions = {}): Promise<Page<T>> {
    const page = await this.context.read((db) => pageQuery(db, this.schema, ws, options))
    return { data: page.rows.map((row) => fromColumns<T>(this.schema, row)), offset: page.offset }
  }

  /** Every row of the workspace (or of all workspaces when `ws` is null), oldest first. */
  async all(db: Db, ws: string | null): Promise<T[]> {
    let query = db.selectFrom(this.schema.name).selectAll()
    if (ws !== null && this.schema.workspaceable) query = query.where('ws_id', '=', ws)
    const rows = await query.orderBy('created_at').orderBy('id').execute()
    return rows.map((row) => fromColumns<T>(this.schema, row))
  }

  // ---- writes ----

  insert(ws: string, input: unknown): Promise<T> {
    return this.context.write(async (db, events) => {
      const entity = await this.prepare(db, ws, input, 'insert', null)
      await checkPrimaryKey(db, this.schema, entity.id as string)
      return this.store(db, ws, entity, null, events)
    })
  }

  update(ws: string, key: string, patch: unknown): Promise<T> {
    return this.context.write(async (db, events) => {
      const existing = await this.findByKey(db, ws, key)
      if (!existing) throw this.notFound(key)
      const entity = await this.prepare(db, ws, patch, 'update', existing)
      return this.store(db, ws, entity, existing, events)
    })
  }

  upsert(ws: string, key: string, input: unknown): Promise<T> {
    return this.context.write(async (db, events) => {
      const existing = await this.findByKey(db, ws, key)
      const entity = await this.prepare(db, ws, this.withKey(input, key, existing), 'upsert', existing)
      if (!existing) await checkPrimaryKey(db, this.schema, entity.id as string)
      return this.store(db, ws, entity, existing, events)
    })
  }

  delete(ws: string, key: string): Promise<boolean> {
    return this.context.write(async (db, events) => {
      const existing = await this.findByKey(db, ws, key)
      if (!existing) return false
      await this.hooks.beforeDelete?.(db, existing)
      await deleteWithRules(db, this as unknown as GenericDao, existing, this.registry.all(), events)
      return true
    })
  }

  /** Deletes one row and its tags (delete rules already applied by the caller). */
  async deleteRow(db: Db, row: Row, events: ChangeEvent[]): Promise<void> {
    await db.deleteFrom(this.schema.name).where('id', '=', row.id).execute()
    await db.deleteFrom('tags').where('entity_id', '=', row.id).execute()
    events.push({ entity: this.name, op: 'delete', ws_id: this.wsOf(row), id: row.id as string })
  }

  // ---- internals ----

  private wsOf(row: Row): string | null {
    return this.schema.workspaceable ? (row.ws_id as string) : null
  }

  private notFound(key: string): GatewayError {
    const field = isUuid(key) || !this.schema.endpointKey ? 'id' : this.schema.endpointKey
    const message =
      field === 'id'
        ? `could not find the entity with primary key '${luaPretty({ id: key })}'`
        : `could not find the entity with '${luaPretty({ [field]: key })}'`
    return new GatewayError('NOT_FOUND', message, { [field]: key })
  }

  /** PUT: the URL key names the entity (its id, or its endpoint key when not a UUID). */
  private withKey(input: unknown, key: string, existing: Row | null): unknown {
    if (!isPlainObject(input)) return input
    const data: Row = { ...input }
    if (existing) {
      data.id = existing.id
      if (!isUuid(key) && this.schema.endpointKey) data[this.schema.endpointKey] = key
      if (data.created_at === undefined) data.created_at = existing.created_at
    } else if (isUuid(key)) {
      data.id = key
    } else if (this.schema.endpointKey) {
      data[this.schema.endpointKey] = key
    } else {
      throw this.notFound(key)
    }
    return data
  }

  /** Defaults, merge (PATCH), foreign resolution and validation; throws Kong's errors. */
  private async prepare(db: Db, ws: string, input: unknown, context: WriteContext, existing: Row | null) {
    if (!isPlainObject(input)) throw schemaViolation({ '@entity': ['expected an input table'] })
    await this.checkWorkspace(db, ws)
    const data: Row = { ...input }
    const errors: FieldErrorMap = {}
    if (data.ws_id !== undefined) {
      if (this.schema.workspaceable && data.ws_id !== ws) errors.ws_id = `value must be ${ws}`
      delete data.ws_id
    }
    if (context === 'update') delete data.id
    // A shorthand that cannot be expanded stops here, as in Kong (its fields cannot be judged).
    const shorthand = this.hooks.expand?.(data)
    if (shorthand) throw schemaViolation(shorthand)
    if (context !== 'update') this.hooks.defaults?.(data)
    let entity = processAutoFields(this.schema.fields, data, context, nowSeconds())
    if (context === 'update') {
      entity = mergeValues(this.schema.fields, entity, existing as Row)
      delete entity.ws_id
    }
    await resolveForeign(db, ws, this.schema, entity, this.lookup)
    this.validate(entity, context, errors)
    await checkForeignKeys(db, ws, this.schema, entity, this.lookup)
    await checkUnique(db, ws, this.schema, entity)
    await this.hooks.beforeWrite?.(db, ws, entity, existing)
    return entity
  }

  private validate(entity: Row, context: WriteContext, found: FieldErrorMap): void {
    const full = context !== 'update'
    const options = { full, updating: !full, checks: this.schema.entity_checks }
    let errors: FieldErrorMap = { ...validateRecord(this.schema.fields, entity, options), ...found }
    if (this.hooks.validate) errors = this.hooks.validate(entity, errors)
    if (Object.keys(errors).length > 0) throw schemaViolation(errors)
  }

  private async checkWorkspace(db: Db, ws: string): Promise<void> {
    if (!this.schema.workspaceable) return
    const row = await db.selectFrom('workspaces').select('id').where('id', '=', ws).executeTakeFirst()
    if (!row) throw new GatewayError('INVALID_WORKSPACE', `invalid workspace '${ws}'`)
  }

  private async store(
    db: Db,
    ws: string,
    entity: Row,
    existing: Row | null,
    events: ChangeEvent[],
  ): Promise<T> {
    const columns = toColumns(this.schema, entity, this.schema.workspaceable ? ws : null)
    const cacheKey = cacheKeyOf(this.schema, entity)
    if (cacheKey !== null) columns.cache_key = cacheKey
    if (existing) await db.updateTable(this.schema.name).set(columns).where('id', '=', existing.id).execute()
    else await db.insertInto(this.schema.name).values(columns).execute()
    if (findField(this.schema.fields, 'tags')) {
      await writeTags(db, {
        name: this.name,
        id: entity.id as string,
        ws: this.wsOf(columns),
        tags: entity.tags,
      })
    }
    events.push({
      entity: this.name,
      op: existing ? 'update' : 'create',
      ws_id: this.wsOf(columns),
      id: entity.id as string,
    })
    return fromColumns<T>(this.schema, columns)
  }
}
