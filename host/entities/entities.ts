import type { Storage } from '../storage/index.ts'
import { ChangeEmitter, EntityContext } from './dao/context.ts'
import { type DaoRegistry, GenericDao } from './dao/generic-dao.ts'
import type { EntityHooks } from './dao/hooks.ts'
import { anyExpired, nextExpiry, purgeExpiredRows } from './dao/purge.ts'
import { pageTags } from './dao/tags-store.ts'
import type { EntityDao } from './dao-types.ts'
import type { Entities, PluginRegistry } from './entities-types.ts'
import { pluginHooks } from './hooks/plugin-hooks.ts'
import { routeHooks } from './hooks/route-hooks.ts'
import { serviceHooks } from './hooks/service-hooks.ts'
import { workspaceHooks } from './hooks/workspace-hooks.ts'
import { toKongSchema } from './kong-schema.ts'
import type { EntitySchema } from './schema-types.ts'
import { consumersSchema } from './schemas/consumers.ts'
import { pluginsSchema } from './schemas/plugins.ts'
import { routesSchema } from './schemas/routes.ts'
import { servicesSchema } from './schemas/services.ts'
import { workspacesSchema } from './schemas/workspaces.ts'
import { readSnapshot } from './snapshot.ts'
import type { Consumer, PluginEntity, Route, Service, Workspace } from './types.ts'

export interface EntitiesOptions {
  plugins: PluginRegistry
  /**
   * Plugin DAO schemas (Kong's daos.lua), served by the same generic DAO. Their tables come from
   * the plugin's migrations, with columns named as dao/rows.ts maps fields (`<foreign>_id`,
   * `ws_id` when workspaceable, `cache_key` for composite cache keys, a nullable integer `ttl`
   * holding the expiry in epoch ms when the schema has `ttl: true`).
   */
  schemas?: EntitySchema[]
}

/** Builds the DAOs of one context (the storage itself, or one enclosing transaction). */
function build(context: EntityContext, emitter: ChangeEmitter, options: EntitiesOptions): Entities {
  const daos = new Map<string, GenericDao>()
  const registry: DaoRegistry = { get: (name) => daos.get(name), all: () => [...daos.values()] }
  const add = <T extends object>(schema: EntitySchema, hooks?: EntityHooks) => {
    const dao = new GenericDao<T>(schema, context, registry, hooks)
    daos.set(schema.name, dao as unknown as GenericDao)
    return dao
  }
  const workspaces = add<Workspace>(workspacesSchema, workspaceHooks(registry))
  const services = add<Service>(servicesSchema, serviceHooks)
  const routes = add<Route>(routesSchema, routeHooks)
  const consumers = add<Consumer>(consumersSchema)
  const plugins = add<PluginEntity>(pluginsSchema, pluginHooks(options.plugins))
  for (const schema of options.schemas ?? []) add(schema)
  // By Admin API collection (`key-auths`), or by schema name (`keyauth_credentials`, declarative files).
  const byCollection = (collection: string) =>
    [...daos.values()].find((dao) => dao.name === collection) ?? daos.get(collection)
  const ttlDaos = () => [...daos.values()].filter((dao) => dao.schema.ttl)

  return {
    workspaces,
    services,
    routes,
    consumers,
    plugins,
    dao: (collection) => byCollection(collection) as EntityDao | undefined,
    schema: (collection) => byCollection(collection)?.schema,
    schemaNames: () => [...daos.values()].map((dao) => dao.name),
    kongSchema: (collection) => {
      const schema = byCollection(collection)?.schema
      return schema ? toKongSchema(schema) : undefined
    },
    workspaceByName: (name) =>
      context.read((db) => workspaces.findRow(db, '', 'name', name)) as Promise<Workspace | null>,
    tags: (ws, tagOptions) => {
      const ttlTables = ttlDaos().map((dao) => dao.schema.name)
      return context.read((db) => pageTags(db, ws, tagOptions, ttlTables))
    },
    purgeExpired: async () => {
      const now = Date.now()
      const expiring = ttlDaos()
      let purged = 0
      // The write lock is only taken when there is something to delete.
      if (await context.read((db) => anyExpired(db, expiring, now))) {
        purged = await context.write(async (db, events) => {
          let count = 0
          for (const dao of expiring) count += await purgeExpiredRows(db, dao, registry.all(), events, now)
          return count
        })
      }
      return { purged, nextExpiry: await context.read((db) => nextExpiry(db, expiring, now)) }
    },
    onChange: (listener) => emitter.on(listener),
    transaction: (fn) => context.transaction((inner) => fn(build(inner, emitter, options))),
    loadSnapshot: () =>
      context.transaction((inner) =>
        inner.read((db) =>
          readSnapshot(db, {
            workspaces: workspaces as unknown as GenericDao,
            services: services as unknown as GenericDao,
            routes: routes as unknown as GenericDao,
            plugins: plugins as unknown as GenericDao,
          }),
        ),
      ),
  }
}

/** The entity layer over a migrated storage: one DAO per core entity, change events after commit. */
export function createEntities(storage: Storage, options: EntitiesOptions): Entities {
  const emitter = new ChangeEmitter()
  return build(new EntityContext(storage, emitter), emitter, options)
}
