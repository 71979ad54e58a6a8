import type { Entities, EntitySchema } from '../entities/index.ts'
import { addCollectionEndpoints } from './collection-endpoints.ts'
import type { EndpointContext } from './endpoint-context.ts'
import { addForeignEntityEndpoints } from './foreign-endpoints.ts'
import { addNestedEndpoints } from './nested-endpoints.ts'

/**
 * Kong's generated endpoints (kong/api/endpoints.lua), from the entity schemas: each collection
 * and its items, and for every foreign key the pointed-to entity (`/routes/{r}/service`), the
 * nested collection (`/services/{s}/routes`) and its items. Workspace membership is the URL
 * prefix, never a foreign key, so `workspaces` references are skipped.
 */
export function generateEndpoints(ctx: EndpointContext, entities: Entities): void {
  const schemas = entities
    .schemaNames()
    .map((name) => entities.schema(name))
    .filter((schema): schema is EntitySchema => schema !== undefined && schema.generateAdminApi !== false)
  // Foreign keys reference schema names, which may differ from Admin API collection names.
  const byName = new Map(schemas.map((schema) => [schema.name, schema]))
  for (const schema of schemas) {
    addCollectionEndpoints(ctx, schema)
    for (const definition of schema.fields) {
      for (const [field, spec] of Object.entries(definition)) {
        if (spec.type !== 'foreign' || !spec.reference || spec.reference === 'workspaces') continue
        const parent = byName.get(spec.reference)
        if (!parent || parent.name === schema.name) continue
        addForeignEntityEndpoints(ctx, schema, field, parent)
        addNestedEndpoints(ctx, schema, field, parent)
      }
    }
  }
}
