import type { EntityInfo } from '../../runtime/protocol.ts'
import type { EntitySchema } from '../entities/index.ts'

/** What kong.db shows an isolate of one entity: `plugin` null for a core entity (read-only to plugins). */
export function entityInfo(schema: EntitySchema, plugin: string | null): EntityInfo {
  const unique: string[] = []
  const foreign: string[] = []
  for (const definition of schema.fields) {
    for (const [name, field] of Object.entries(definition)) {
      if (field.unique) unique.push(name)
      if (field.type === 'foreign' && field.reference !== 'workspaces') foreign.push(name)
    }
  }
  return {
    name: schema.name,
    plugin,
    unique,
    foreign,
    cacheKey: schema.cacheKey ? [...schema.cacheKey] : null,
    workspaceable: schema.workspaceable,
  }
}
