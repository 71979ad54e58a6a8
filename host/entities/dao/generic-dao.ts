import { GatewayError } from '../../errors/index.ts'
import type { Db } from '../../storage/index.ts'
import { changeCacheKeys, entityCacheKeys } from '../cache-key.ts'
import type { ChangeEvent, EntityDao, Page, PageOptions } from '../dao-types.ts'
import type { EntitySchema } from '../schema-types.ts'
import { mergeValues, processAutoFields, type WriteContext } from '../validate/defaults.ts'
import { earlyBounds } from '../validate/early-bounds.ts'
import { isUuid } from '../validate/field.ts'
import { type FieldErrorMap, schemaViolation } from '../validate/field-errors.ts'
import { findField, isPlainObject } from '../validate/field-list.ts'
import { validateRecord } from '../validate/record.ts'
import type { EntityContext } from './context.ts'
import { deleteWithRules } from './delete-rules.ts'
import { hashFields } from './hashed-fields.ts'
import type { EntityHooks } from './hooks.ts'
import { pageQuery } from './page-query.ts'
import { purgeExpiredRows } from './purge.ts'
import { columnOf, encodeLookup, fromColumns, toColumns } from './rows.ts'
import { writeTags } from './tags-store.ts'
import { notExpired, writeExpiry } from './ttl.ts'
import { notFoundByKey, withUrlKey } from './url-key.ts'
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

/** A validated write: the entity, and for ttl entities its expiry (epoch ms, null: none, undefined: unchanged). */
interface Prepared {
  entity: Row
  expiry: number | null | undefined
}

/** The DAOs of one context, by schema name (for foreign keys and delete rules). */
export interface DaoRegistry {
  get(name: string): GenericDao | undefined
  all(): GenericDao[]
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

/**
 * One schema-driven DAO for every entity (Kong's kong/db/dao/init.lua): validation and defaults
 * from the schema, Kong's errors, workspace scoping, tags, foreign keys and delete rules, and the
 * expiry of ttl entities (an expired row is never read). Each method commits before it returns
 * (or joins the enclosing transaction).
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

  /** Rows of the workspace that have not expired. */
  private scoped(db: Db, ws: string) {
    let query = db.selectFrom(this.schema.name).selectAll()
    if (this.schema.workspaceable) query = query.where('ws_id', '=', ws)
    return this.schema.ttl ? query.where(notExpired(Date.now())) : query
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

  selectBy(ws: string, field: string, value: unknown): Promise<T | null> {
    if (findField(this.schema.fields, field)?.unique !== true) return Promise.resolve(null)
    return this.context.read((db) => this.findRow(db, ws, field, value)) as Promise<T | null>
  }

  selectByKey(ws: string, key: string): Promise<T | null> {
    return this.context.read((db) => this.findByKey(db, ws, key)) as Promise<T | null>
  }

  async page(ws: string, options: PageOptions = {}): Promise<Page<T>> {
    const page = await this.context.read((db) => pageQuery(db, this.schema, ws, options))
    return { data: page.rows.map((row) => fromColumns<T>(this.schema, row)), offset: page.offset }
  }

  /** Rows stored for the workspace (all of them when not workspaceable), expired ones included. */
  count(ws: string): Promise<number> {
    return this.context.read(async (db) => {
      let query = db.selectFrom(this.schema.name).select((eb) => eb.fn.countAll().as('n'))
      if (this.schema.workspaceable) query = query.where('ws_id', '=', ws)
      return Number((await query.executeTakeFirst())?.n ?? 0)
    })
  }

  /** Every row of the workspace (or of all workspaces when `ws` is null), oldest first. */
  async all(db: Db, ws: string | null): Promise<T[]> {
    let query = db.selectFrom(this.schema.name).selectAll()
    if (ws !== null && this.schema.workspaceable) query = query.where('ws_id', '=', ws)
    if (this.schema.ttl) query = query.where(notExpired(Date.now()))
    const rows = await query.orderBy('created_at').orderBy('id').execute()
    return rows.map((row) => fromColumns<T>(this.schema, row))
  }

  // ---- writes ----

  async insert(ws: string, raw: unknown): Promise<T> {
    const input = await hashFields(this.schema, raw)
    return this.context.write(async (db, events) => {
      await this.purgeExpired(db, events)
      const prepared = await this.prepare(db, ws, input, 'insert', null)
      await checkPrimaryKey(db, this.schema, prepared.entity.id as string)
      return this.store(db, ws, prepared, null, events)
    })
  }

  async update(ws: string, key: string, raw: unknown): Promise<T> {
    const patch = await hashFields(this.schema, raw)
    return this.context.write(async (db, events) => {
      await this.purgeExpired(db, events)
      const existing = await this.findByKey(db, ws, key)
      if (!existing) throw notFoundByKey(this.schema, key)
      const prepared = await this.prepare(db, ws, patch, 'update', existing)
      return this.store(db, ws, prepared, existing, events)
    })
  }

  async upsert(ws: string, key: string, raw: unknown): Promise<T> {
    const input = await hashFields(this.schema, raw)
    return this.context.write(async (db, events) => {
      await this.purgeExpired(db, events)
      const existing = await this.findByKey(db, ws, key)
      const prepared = await this.prepare(
        db,
        ws,
        withUrlKey(this.schema, input, key, existing),
        'upsert',
        existing,
      )
      if (!existing) await checkPrimaryKey(db, this.schema, prepared.entity.id as string)
      return this.store(db, ws, prepared, existing, events)
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
    events.push({
      entity: this.name,
      op: 'delete',
      ws_id: this.wsOf(row),
      id: row.id as string,
      cacheKeys: entityCacheKeys(this.schema, row),
    })
  }

  // ---- internals ----

  /** Expired rows go first, so they block no unique value or primary key of the write. */
  private async purgeExpired(db: Db, events: ChangeEvent[]): Promise<void> {
    if (this.schema.ttl)
      await purgeExpiredRows(db, this as GenericDao, this.registry.all(), events, Date.now())
  }

  private wsOf(row: Row): string | null {
    return this.schema.workspaceable ? (row.ws_id as string) : null
  }

  /**
   * Defaults, merge (PATCH), foreign resolution and validation, then the `ttl` option (after the
   * fields, as Kong checks options); throws Kong's errors.
   */
  private async prepare(
    db: Db,
    ws: string,
    input: unknown,
    context: WriteContext,
    existing: Row | null,
  ): Promise<Prepared> {
    if (!isPlainObject(input)) throw schemaViolation({ '@entity': ['expected an input table'] })
    // Oversized fields are refused before the input is copied or walked (bounded work per body).
    const oversized = earlyBounds(this.schema.fields, input)
    if (oversized) throw schemaViolation(oversized)
    await this.checkWorkspace(db, ws)
    const data: Row = { ...input }
    // An option of ttl entities, not a field; elsewhere it is an unknown field.
    const ttl = this.schema.ttl ? data.ttl : undefined
    if (this.schema.ttl) delete data.ttl
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
      delete entity.ttl
    }
    await resolveForeign(db, ws, this.schema, entity, this.lookup)
    this.validate(entity, context, errors)
    const expiry = this.schema.ttl ? writeExpiry(ttl, context, Date.now()) : undefined
    await checkForeignKeys(db, ws, this.schema, entity, this.lookup)
    await checkUnique(db, ws, this.schema, entity)
    await this.hooks.beforeWrite?.(db, ws, entity, existing)
    return { entity, expiry }
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
    { entity, expiry }: Prepared,
    existing: Row | null,
    events: ChangeEvent[],
  ): Promise<T> {
    const columns = toColumns(this.schema, entity, this.schema.workspaceable ? ws : null)
    const cacheKey = cacheKeyOf(this.schema, entity)
    if (cacheKey !== null) columns.cache_key = cacheKey
    if (expiry !== undefined) columns.ttl = expiry
    if (existing) await db.updateTable(this.schema.name).set(columns).where('id', '=', existing.id).execute()
    else await db.insertInto(this.schema.name).values(columns).execute()
    // A PATCH without `ttl` keeps the stored expiry, which the answer shows.
    if (this.schema.ttl && expiry === undefined) columns.ttl = await this.storedExpiry(db, entity.id)
    const output = fromColumns<Row>(this.schema, columns)
    if (findField(this.schema.fields, 'tags')) {
      await writeTags(db, {
        name: this.schema.name,
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
      cacheKeys: changeCacheKeys(this.schema, existing, output),
    })
    return output as T
  }

  private async storedExpiry(db: Db, id: unknown): Promise<unknown> {
    const row = await db.selectFrom(this.schema.name).select('ttl').where('id', '=', id).executeTakeFirst()
    return row?.ttl ?? null
  }
}
