import { IoRefused } from '../../runtime/isolate/index.ts'
import type { EntityInfo } from '../../runtime/protocol.ts'
import {
  type Entities,
  type EntityDao,
  type EntitySchema,
  type PageOptions,
  PLUGIN_READABLE_SCHEMAS,
} from '../entities/index.ts'
import { isGatewayError, toKongBody } from '../errors/index.ts'
import type { PluginCatalog } from '../plugins/index.ts'
import { checkRowSize } from './db-limits.ts'
import { entityInfo } from './entity-info.ts'
import { RowCounter } from './row-counter.ts'

const READS = new Set(['select', 'page'])
const WRITES = new Set(['insert', 'update', 'upsert', 'delete'])

/**
 * kong.db on the host: every call a plugin makes, in the request's workspace, checked against
 * what that plugin may use (core entities read-only, its own entities read-write, nothing of
 * another plugin), run through the same DAO as the Admin API so Kong's validation and errors
 * apply. Runs where the database is (the supervisor); workers reach it over IPC.
 */
export interface PluginDb {
  /** What kong.db shows each isolate (sent in its `init`). */
  readonly entities: EntityInfo[]
  /**
   * `args` = `[entity, method, ...methodArgs]` as the isolate sent them (untrusted). `byOperator`:
   * an api.ts handler serving an Admin API call, whose writes are the operator's (never refused
   * by `plugin_db_max_rows`; the proxy path's are).
   */
  perform(ws: string, plugin: string, args: unknown[], byOperator?: boolean): Promise<unknown>
}

export interface PluginDbOptions {
  entities: Entities
  catalog: PluginCatalog
  /** Called after a write committed, before the plugin hears back (publishes cache invalidations). */
  afterWrite?(): Promise<void>
  /** DB-less: the declarative file is the whole configuration; plugins may read, not write. */
  readOnly?: boolean
  /** `plugin_db_max_rows` (see RowCounter); no limit when absent. */
  maxRows?: number
}

interface Target {
  info: EntityInfo
  dao: EntityDao
}

export function createPluginDb(options: PluginDbOptions): PluginDb {
  const targets = new Map<string, Target>()
  const add = (schema: EntitySchema, plugin: string | null) => {
    const dao = options.entities.dao(schema.adminApiName ?? schema.name)
    if (!dao) return
    targets.set(schema.name, { info: entityInfo(schema, plugin), dao })
  }
  // Kong's PDK exposes the whole DAO; here writes to core entities belong to the Admin API.
  for (const schema of PLUGIN_READABLE_SCHEMAS) add(schema, null)
  for (const plugin of options.catalog.plugins) for (const schema of plugin.daos) add(schema, plugin.name)

  const rows =
    options.maxRows === undefined
      ? undefined
      : new RowCounter(
          options.entities,
          new Map(
            options.catalog.plugins.map((plugin) => [
              plugin.name,
              plugin.daos.map((schema) => schema.adminApiName ?? schema.name),
            ]),
          ),
          options.maxRows,
        )

  return {
    entities: [...targets.values()].map((target) => target.info),
    async perform(ws, plugin, args, byOperator = false) {
      const [entity, method, ...rest] = args
      if (typeof entity !== 'string' || typeof method !== 'string')
        throw refused('expected an entity and a method')
      const target = targets.get(entity)
      if (!target || (target.info.plugin !== null && target.info.plugin !== plugin)) {
        throw refused(`kong.db.${entity} is not available to plugin ${plugin}`)
      }
      if (WRITES.has(method) && target.info.plugin === null) {
        throw refused(`kong.db.${entity}.${method}: core entities are read-only to plugins`)
      }
      if (WRITES.has(method) && options.readOnly) {
        throw new IoRefused(`cannot ${method} '${entity}' entities when not using a database`, {
          code: 'OPERATION_UNSUPPORTED',
        })
      }
      // Workers check this before sending; api.ts handlers reach here directly.
      checkRowSize(args)
      const limited = rows !== undefined && !byOperator && (await adds(target, ws, method, rest))
      const release = limited ? await rows.reserve(ws, plugin) : null
      try {
        const value = await run(target, ws, method, rest)
        if (WRITES.has(method)) await options.afterWrite?.()
        return value
      } catch (error) {
        if (isGatewayError(error)) {
          throw new IoRefused(error.message, {
            code: error.code,
            ...(error.fields ? { fields: error.fields } : {}),
            status: error.status,
            body: toKongBody(error),
          })
        }
        throw error
      } finally {
        release?.()
      }
    },
  }
}

/** Whether a call may add a row: an insert, or an upsert of a row that does not exist yet. */
async function adds(target: Target, ws: string, method: string, args: unknown[]): Promise<boolean> {
  if (method === 'insert') return true
  if (method !== 'upsert') return false
  return (await target.dao.select(ws, idOf(args[0]))) === null
}

async function run(target: Target, ws: string, method: string, args: unknown[]): Promise<unknown> {
  const { dao, info } = target
  if (READS.has(method) || WRITES.has(method)) {
    switch (method) {
      case 'select':
        return dao.select(ws, idOf(args[0]))
      case 'page':
        return page(await dao.page(ws, pageOptions(args[0])))
      case 'insert':
        return dao.insert(ws, withTtl(args[0], args[1]))
      case 'update':
        return dao.update(ws, idOf(args[0]), withTtl(args[1], args[2]))
      case 'upsert':
        return dao.upsert(ws, idOf(args[0]), withTtl(args[1], args[2]))
      default:
        return dao.delete(ws, idOf(args[0]))
    }
  }
  const by = /^selectBy([A-Z]\w*)$/.exec(method)
  const byField = by ? fieldOf(info.unique, by[1] as string) : undefined
  if (byField !== undefined) {
    const value = args[0]
    if (typeof value !== 'string' && typeof value !== 'number') throw refused(`${method}: expected a value`)
    return dao.selectBy(ws, byField, value)
  }
  const pageFor = /^pageFor([A-Z]\w*)$/.exec(method)
  const foreign = pageFor ? fieldOf(info.foreign, pageFor[1] as string) : undefined
  if (foreign !== undefined) {
    const options = { ...pageOptions(args[1]), foreign: { field: foreign, id: idOf(args[0]) } }
    return page(await dao.page(ws, options))
  }
  throw refused(`kong.db.${info.name}.${method} is not a function`)
}

/** `CustomId` → the field `custom_id`, when it is one of `fields`. */
function fieldOf(fields: readonly string[], suffix: string): string | undefined {
  const snake = suffix.replace(/[A-Z]/g, (c, at: number) => `${at === 0 ? '' : '_'}${c.toLowerCase()}`)
  return fields.includes(snake) ? snake : undefined
}

function idOf(pk: unknown): string {
  const id = typeof pk === 'object' && pk !== null ? (pk as { id?: unknown }).id : pk
  if (typeof id !== 'string') throw refused('expected a primary key { id }')
  return id
}

function pageOptions(raw: unknown): PageOptions {
  const options: PageOptions = {}
  if (typeof raw !== 'object' || raw === null) return options
  const { size, offset } = raw as { size?: unknown; offset?: unknown }
  if (size !== undefined) options.size = Number(size)
  if (typeof offset === 'string') options.offset = offset
  return options
}

function page(result: { data: unknown[]; offset: string | null }) {
  return { data: result.data, offset: result.offset }
}

/** kong.db's `{ ttl }` option travels to the DAO as the input's `ttl` (ttl entities only accept it). */
function withTtl(input: unknown, options: unknown): unknown {
  const ttl = typeof options === 'object' && options !== null ? (options as { ttl?: unknown }).ttl : undefined
  if (ttl === undefined || typeof input !== 'object' || input === null) return input
  return { ...input, ttl }
}

function refused(message: string): IoRefused {
  return new IoRefused(message, { code: 'PDK_REFUSED' })
}
