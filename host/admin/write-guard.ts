import type { EntityDao, EntitySchema } from '../entities/index.ts'
import { GatewayError } from '../errors/index.ts'
import { isUuid } from './uuid.ts'

/**
 * The DAO the endpoints write through: after every committed change it awaits `afterWrite`
 * (so the 2xx goes out only once workers have the new configuration); in DB-less mode every
 * write fails as Kong's "off" strategy does (405 operation unsupported), after the same
 * existence checks Kong's DAO makes first (PATCH of nothing → 404, DELETE of nothing → 204).
 */
export function guardDao(
  dao: EntityDao,
  schema: EntitySchema,
  options: { readOnly: boolean; afterWrite?: () => Promise<void> },
): EntityDao {
  const committed = async <T>(result: T): Promise<T> => {
    await options.afterWrite?.()
    return result
  }
  if (!options.readOnly) {
    return {
      name: dao.name,
      select: (ws, id) => dao.select(ws, id),
      selectByKey: (ws, key) => dao.selectByKey(ws, key),
      selectBy: (ws, field, value) => dao.selectBy(ws, field, value),
      page: (ws, page) => dao.page(ws, page),
      count: (ws) => dao.count(ws),
      insert: async (ws, input) => committed(await dao.insert(ws, input)),
      update: async (ws, key, patch) => committed(await dao.update(ws, key, patch)),
      upsert: async (ws, key, input) => committed(await dao.upsert(ws, key, input)),
      delete: async (ws, key) => {
        const deleted = await dao.delete(ws, key)
        return deleted ? committed(deleted) : deleted
      },
    }
  }
  const unsupported = (operation: string, key?: string) => {
    const by = key !== undefined && !isUuid(key) && schema.endpointKey ? ` by '${schema.endpointKey}'` : ''
    return new GatewayError(
      'OPERATION_UNSUPPORTED',
      `cannot ${operation} '${schema.name}' entities${by} when not using a database`,
    )
  }
  return {
    name: dao.name,
    select: (ws, id) => dao.select(ws, id),
    selectByKey: (ws, key) => dao.selectByKey(ws, key),
    selectBy: (ws, field, value) => dao.selectBy(ws, field, value),
    page: (ws, page) => dao.page(ws, page),
    count: (ws) => dao.count(ws),
    insert: async () => {
      throw unsupported('create')
    },
    upsert: async (_ws, key) => {
      throw unsupported('create or update', key)
    },
    update: async (ws, key) => {
      if (!(await dao.selectByKey(ws, key))) throw notFoundByKey(schema, key)
      throw unsupported('update', key)
    },
    delete: async (ws, key) => {
      if (!(await dao.selectByKey(ws, key))) return false
      throw unsupported('remove', key)
    },
  }
}

/** Kong's NOT_FOUND for a primary key or an endpoint key (`{id="..."}` / `{name="..."}`). */
function notFoundByKey(schema: EntitySchema, key: string): GatewayError {
  if (isUuid(key) || !schema.endpointKey) {
    return new GatewayError('NOT_FOUND', `could not find the entity with primary key '{id="${key}"}'`, {
      id: key,
    })
  }
  return new GatewayError('NOT_FOUND', `could not find the entity with '{${schema.endpointKey}="${key}"}'`, {
    [schema.endpointKey]: key,
  })
}
