import type { EntityDao, EntitySchema, Row } from '../entities/index.ts'
import { type PluginSchemaLookup, readInput } from './read-input.ts'
import type { AdminRequest, RouteTable } from './route-table.ts'

/** What the generated endpoints share: the route table and guarded DAOs. */
export interface EndpointContext {
  table: RouteTable
  /** The collection's DAO, writing through `guardDao` (afterWrite, DB-less). */
  dao(schema: EntitySchema): EntityDao
  pluginSchema?: PluginSchemaLookup
}

/** The path segment of a collection: `/services`, or its `adminApiName`. */
export const segment = (schema: EntitySchema): string => schema.adminApiName ?? schema.name

/** The segment of a collection nested under a parent (`/consumers/{c}/key-auth`): its `adminApiNestedName`. */
export const nestedSegment = (schema: EntitySchema): string => schema.adminApiNestedName ?? segment(schema)

/** The route parameter naming one entity of a collection (`:services`), as Kong names it. */
export const paramName = (schema: EntitySchema): string => schema.name.replace(/\W/g, '_')

/** The id a foreign key field of a row points to, if any. */
export function foreignId(row: Row, field: string): string | undefined {
  const ref = row[field]
  return typeof ref === 'object' && ref !== null && typeof (ref as Row).id === 'string'
    ? ((ref as Row).id as string)
    : undefined
}

export function input(
  ctx: EndpointContext,
  request: AdminRequest,
  schema: EntitySchema,
  storedName?: () => Promise<unknown>,
): Promise<Record<string, unknown>> {
  return readInput(request.c.req.raw, schema, { pluginSchema: ctx.pluginSchema, storedName })
}
