import type { EntitySchema } from '../schema-types.ts'
import { consumersSchema } from './consumers.ts'
import { routesSchema } from './routes.ts'
import { servicesSchema } from './services.ts'

/** The core entities plugins may read through kong.db (never write). */
export const PLUGIN_READABLE_SCHEMAS: readonly EntitySchema[] = [
  consumersSchema,
  servicesSchema,
  routesSchema,
]
