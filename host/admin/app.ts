import { Hono } from 'hono'
import type { EntityDao, EntitySchema } from '../entities/index.ts'
import { bearerAuth } from './auth.ts'
import type { AdminDeps } from './deps.ts'
import { type EndpointContext, segment } from './endpoint-context.ts'
import { generateEndpoints } from './generate-endpoints.ts'
import { addNodeRoutes } from './node-routes.ts'
import { addPluginApiRoutes } from './plugin-api-routes.ts'
import { errorResponse, json } from './respond.ts'
import { RouteTable } from './route-table.ts'
import { addSchemaRoutes } from './schema-routes.ts'
import { addTagRoutes } from './tag-routes.ts'
import { guardDao } from './write-guard.ts'

/**
 * The Kong-compatible Admin API. Endpoints are generated from the entity schemas known when the
 * app is created (a new plugin DAO needs a new app); every one also answers under `/{workspace}`.
 */
export function createAdminApp(deps: AdminDeps): Hono {
  const app = new Hono({ strict: false })
  if (deps.adminToken) app.use('*', bearerAuth(deps.adminToken))

  const table = new RouteTable()
  // Fixed paths first: they win over generated ones (`/plugins/enabled` vs `/plugins/{id}`).
  addNodeRoutes(table, deps)
  addSchemaRoutes(table, deps)
  addTagRoutes(table, deps.entities)
  addPluginApiRoutes(table, deps)

  const daos = new Map<string, EntityDao>()
  const ctx: EndpointContext = {
    table,
    pluginSchema: deps.pluginSchema,
    dao(schema: EntitySchema) {
      let dao = daos.get(schema.name)
      if (!dao) {
        const raw = deps.entities.dao(segment(schema))
        if (!raw) throw new Error(`no DAO for the '${schema.name}' schema`)
        dao = guardDao(raw, schema, { readOnly: deps.readOnly, afterWrite: deps.afterWrite })
        daos.set(schema.name, dao)
      }
      return dao
    },
  }
  generateEndpoints(ctx, deps.entities)
  table.install(app, deps.entities)

  app.notFound(() => json(404, { message: 'Not found' }))
  app.onError((error, c) => errorResponse(error, c, deps.logger))
  return app
}
