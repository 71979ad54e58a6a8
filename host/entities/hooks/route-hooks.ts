import type { EntityHooks } from '../dao/hooks.ts'
import { routeChecks, routeDefaults } from '../schemas/route-checks.ts'
import { checkRouteCollision } from './route-collision.ts'

export const routeHooks: EntityHooks = {
  defaults: routeDefaults,
  validate(route, errors) {
    routeChecks(route, errors)
    return errors
  },
  beforeWrite: (db, ws, route) => checkRouteCollision(db, ws, route as never),
}
