import { randomUUID } from 'node:crypto'
import type { DeclarativeEntity } from './catalog.ts'
import { DeclarativeErrors, type ErrorPath } from './declarative-errors.ts'
import { type ParentLink, stableId } from './ids.ts'
import { UUID_PATTERN } from './uuid-v5.ts'

/** One entity of a declarative file, un-nested: foreign keys as `{ id }`, id always set. */
export interface FlatEntity {
  /** Collection name: 'services', 'routes', ... */
  entity: string
  id: string
  /** Where it was declared (`['services', 1, 'routes', 2]`), for error messages. */
  path: ErrorPath
  /** Its fields as declared, nested children and `_comment`/`_ignore`/`ws_id` removed, `id` included. */
  fields: Record<string, unknown>
}

export interface ParsedDeclarative {
  formatVersion: '3.0'
  /** Kong's `_transform` (default true): false means values are stored as given (already hashed). */
  transform: boolean
  /** Kong's `_workspace` (default `default`). */
  workspace: string
  /** Every entity, parents before the entities that reference them, each kind in file order. */
  entities: FlatEntity[]
}

interface PendingReference {
  item: FlatEntity
  field: string
  target: string
  value: unknown
}

const META_KEYS = new Set(['_format_version', '_transform', '_comment', '_ignore', '_workspace'])
/** Per-entry keys Kong allows besides the fields; `ws_id` appears in Kong's own db_export output. */
const DROPPED_KEYS = new Set(['_comment', '_ignore', 'ws_id'])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Walks one declarative document; collects errors instead of stopping at the first. */
class Flattener {
  private readonly byId = new Map<string, Map<string, FlatEntity>>()
  private readonly byKey = new Map<string, Map<string, FlatEntity>>()
  private readonly references: PendingReference[] = []

  constructor(
    private readonly catalog: readonly DeclarativeEntity[],
    private readonly workspace: string,
    private readonly errors: DeclarativeErrors,
  ) {}

  /** Children collections an entity may nest: every entity with a foreign key to it. */
  private children(def: DeclarativeEntity): { def: DeclarativeEntity; field: string }[] {
    const out: { def: DeclarativeEntity; field: string }[] = []
    for (const child of this.catalog) {
      if (def.fields?.has(child.name)) continue
      for (const [field, target] of Object.entries(child.foreign)) {
        if (target === def.name) out.push({ def: child, field })
      }
    }
    return out
  }

  list(def: DeclarativeEntity, value: unknown, path: ErrorPath, parent?: ParentLink): void {
    if (!Array.isArray(value)) {
      this.errors.add(path, 'expected an array')
      return
    }
    for (const [index, item] of value.entries()) this.item(def, item, [...path, index + 1], parent)
  }

  private item(def: DeclarativeEntity, value: unknown, path: ErrorPath, parent?: ParentLink): void {
    if (!isRecord(value)) {
      this.errors.add(path, 'expected a record')
      return
    }
    const fields: Record<string, unknown> = {}
    const nested: { def: DeclarativeEntity; field: string; value: unknown }[] = []
    const children = this.children(def)
    for (const [key, fieldValue] of Object.entries(value)) {
      const child = children.find((candidate) => candidate.def.name === key)
      if (child) nested.push({ ...child, value: fieldValue })
      else if (DROPPED_KEYS.has(key)) continue
      else if (def.fields && !def.fields.has(key)) this.errors.add([...path, key], 'unknown field')
      else fields[key] = fieldValue
    }
    if (parent && fields[parent.field] !== undefined && fields[parent.field] !== null) {
      this.errors.add([...path, parent.field], 'value must be null')
    }
    // The id comes first: Kong derives it before the parent key is filled in.
    const id = this.assignId(def, fields, path, parent)
    if (id === undefined) return
    if (parent) fields[parent.field] = { id: parent.id }
    const flat: FlatEntity = { entity: def.name, id, path, fields }
    this.register(def, flat)
    for (const [field, target] of Object.entries(def.foreign)) {
      if (field === parent?.field) continue
      const ref = fields[field]
      if (ref !== undefined && ref !== null) this.references.push({ item: flat, field, target, value: ref })
    }
    for (const child of nested) {
      this.list(child.def, child.value, [...path, child.def.name], { field: child.field, id })
    }
  }

  private assignId(
    def: DeclarativeEntity,
    fields: Record<string, unknown>,
    path: ErrorPath,
    parent?: ParentLink,
  ) {
    const given = fields.id
    if (given === undefined || given === null) {
      const id = stableId(this.workspace, def, fields, parent) ?? randomUUID()
      fields.id = id
      return id
    }
    if (typeof given !== 'string' || !UUID_PATTERN.test(given)) {
      this.errors.add([...path, 'id'], 'expected a valid UUID')
      return undefined
    }
    fields.id = given.toLowerCase()
    return fields.id as string
  }

  private register(def: DeclarativeEntity, flat: FlatEntity): void {
    const ids = this.byId.get(def.name) ?? new Map<string, FlatEntity>()
    this.byId.set(def.name, ids)
    if (ids.has(flat.id)) {
      this.errors.add(
        flat.path,
        `uniqueness violation: '${def.name}' entity with primary key set to '${flat.id}' already declared`,
        true,
      )
    }
    ids.set(flat.id, flat)
    const key = def.endpointKey ? flat.fields[def.endpointKey] : undefined
    if (typeof key !== 'string' || !def.endpointKeyUnique) return
    const keys = this.byKey.get(def.name) ?? new Map<string, FlatEntity>()
    this.byKey.set(def.name, keys)
    const existing = keys.get(key)
    if (existing && existing.id !== flat.id) {
      this.errors.add(
        flat.path,
        `uniqueness violation: '${def.name}' entity with ${def.endpointKey} set to '${key}' already declared`,
        true,
      )
    }
    keys.set(key, flat)
  }

  /** Turns `service: name-or-id` (or `{ id }`) into `{ id }` once every entity is known. */
  resolveReferences(): void {
    for (const ref of this.references) {
      const raw = isRecord(ref.value) ? ref.value.id : ref.value
      const found =
        typeof raw === 'string'
          ? (this.byKey.get(ref.target)?.get(raw) ?? this.byId.get(ref.target)?.get(raw.toLowerCase()))
          : undefined
      if (found) {
        ref.item.fields[ref.field] = { id: found.id }
      } else {
        const message = `invalid reference '${ref.field}: ${describe(ref.value)}' (no such entry in '${ref.target}')`
        this.errors.add(ref.item.path, message, true)
      }
    }
  }

  /** Every entity, by catalog order (parents first) and file order within a kind. */
  entities(): FlatEntity[] {
    return this.catalog.flatMap((def) => [...(this.byId.get(def.name)?.values() ?? [])])
  }
}

function checkMeta(doc: Record<string, unknown>, errors: DeclarativeErrors) {
  const version = doc._format_version
  if (version === undefined) errors.add(['_format_version'], 'required field missing')
  else if (typeof version !== 'string') errors.add(['_format_version'], 'expected a string')
  else if (version !== '3.0') errors.add(['_format_version'], 'expected one of: 3.0')
  if (doc._transform !== undefined && typeof doc._transform !== 'boolean') {
    errors.add(['_transform'], 'expected a boolean')
  }
  if (doc._comment !== undefined && typeof doc._comment !== 'string')
    errors.add(['_comment'], 'expected a string')
  if (doc._ignore !== undefined && !Array.isArray(doc._ignore)) errors.add(['_ignore'], 'expected an array')
  const workspace = doc._workspace ?? 'default'
  if (typeof workspace !== 'string' || workspace === '') {
    errors.add(['_workspace'], 'expected a non-empty string')
    return 'default'
  }
  return workspace
}

/**
 * Checks the structure of a decoded declarative document and flattens it: nested entities are
 * un-nested with their parent key set, references by name or id become `{ id }`, missing ids are
 * assigned (stable ones where Kong makes them stable). Field values are left to the DAOs.
 * Every problem is collected; then one DECLARATIVE_CONFIG GatewayError names each path.
 */
export function flattenDeclarative(
  doc: Record<string, unknown>,
  catalog: readonly DeclarativeEntity[],
  source?: string,
): ParsedDeclarative {
  const errors = new DeclarativeErrors()
  const workspace = checkMeta(doc, errors)
  const flattener = new Flattener(catalog, workspace, errors)
  for (const [key, value] of Object.entries(doc)) {
    if (META_KEYS.has(key)) continue
    const def = catalog.find((entry) => entry.name === key)
    if (def) flattener.list(def, value, [key])
    else errors.add([key], 'unknown field')
  }
  flattener.resolveReferences()
  errors.throwIfAny(source)
  return {
    formatVersion: '3.0',
    transform: doc._transform !== false,
    workspace,
    entities: flattener.entities(),
  }
}
