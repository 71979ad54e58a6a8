import type { Entities, EntityDao, EntitySchema, Row } from '../entities/index.ts'
import { GatewayError } from '../errors/index.ts'
import { catalogFromSchemas, type DeclarativeEntity } from './catalog.ts'

/** A Kong `_format_version: "3.0"` document: meta keys, then one array per entity collection. */
export type DeclarativeDocument = {
  _format_version: '3.0'
  _transform: boolean
  _workspace?: string
} & Record<string, unknown>

/** Stored by the database, not declared: Kong's exports leave them out too (`ws_id`) or they are noise. */
const DROPPED = new Set(['ws_id', 'created_at', 'updated_at'])
const PAGE_SIZE = 1000

async function allRows(dao: EntityDao, ws: string): Promise<Row[]> {
  const rows: Row[] = []
  let offset: string | undefined
  // Each page moves the cursor forward; the loop ends on the page whose offset is null.
  do {
    const page = await dao.page(ws, { size: PAGE_SIZE, ...(offset ? { offset } : {}) })
    rows.push(...page.data)
    offset = page.offset ?? undefined
  } while (offset)
  return rows
}

/** The declared fields of a row: no timestamps or workspace id, no nulls (defaults on import). */
function declared(row: Row): Row {
  const out: Row = {}
  for (const [field, value] of Object.entries(row)) {
    if (!DROPPED.has(field) && value !== null) out[field] = value
  }
  return out
}

function foreignId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const id = (value as { id?: unknown }).id
  return typeof id === 'string' ? id : undefined
}

/**
 * Exports one workspace (default `default`) as a declarative document that imports back to the
 * same entities: an entity with exactly one foreign key set is nested in its parent (routes in
 * their service, a route's plugins in the route, credentials in their consumer); the others stay
 * at the top level with references as id strings, as Kong's db_export writes them.
 */
export async function exportDeclarative(
  entities: Entities,
  workspace = 'default',
): Promise<DeclarativeDocument> {
  const ws = await entities.workspaceByName(workspace)
  if (!ws) throw new GatewayError('INVALID_WORKSPACE', `workspace '${workspace}' not found`)
  const schemas = entities
    .schemaNames()
    .map((name) => entities.schema(name))
    .filter((schema): schema is EntitySchema => schema !== undefined)
  const catalog = catalogFromSchemas(schemas)

  const doc: DeclarativeDocument = { _format_version: '3.0', _transform: false }
  if (workspace !== 'default') doc._workspace = workspace
  /** Exported entries by id, so children can be placed into them. */
  const placed = new Map<string, Row>()
  for (const def of catalog) {
    const dao = entities.dao(def.name)
    if (!dao) continue
    for (const row of await allRows(dao, ws.id)) nestOrList(doc, def, declared(row), placed)
  }
  return doc
}

function append(target: Row, key: string, row: Row): void {
  const list = target[key]
  if (Array.isArray(list)) list.push(row)
  else target[key] = [row]
}

function nestOrList(
  doc: DeclarativeDocument,
  def: DeclarativeEntity,
  row: Row,
  placed: Map<string, Row>,
): void {
  const refs = Object.keys(def.foreign).filter((field) => foreignId(row[field]) !== undefined)
  const parentField = refs.length === 1 ? refs[0]! : undefined
  const parent = parentField ? placed.get(foreignId(row[parentField])!) : undefined
  if (parent && parentField) {
    delete row[parentField]
    append(parent, def.name, row)
  } else {
    for (const field of refs) row[field] = foreignId(row[field])
    append(doc, def.name, row)
  }
  if (typeof row.id === 'string') placed.set(row.id, row)
}
