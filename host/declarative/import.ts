import type { Entities } from '../entities/index.ts'
import { isGatewayError } from '../errors/index.ts'
import { DeclarativeErrors } from './declarative-errors.ts'
import type { FlatEntity, ParsedDeclarative } from './flatten.ts'

/** Entities written, per collection (`{ services: 2, routes: 3, ... }`). */
export type ImportCounts = Record<string, number>

/** Ids of the `{ id }` references an entity holds. */
function referencedIds(item: FlatEntity): string[] {
  return Object.entries(item.fields)
    .filter(
      ([field, value]) => field !== 'id' && typeof value === 'object' && value !== null && 'id' in value,
    )
    .map(([, value]) => String((value as { id: unknown }).id))
}

/**
 * Writes a parsed file through the DAOs (so every field is validated by Kong's rules) inside ONE
 * transaction: each entity is upserted by id, as Kong's `config db_import` does. Any failure
 * rolls everything back and throws DECLARATIVE_CONFIG naming the path of each bad entity. The
 * workspace `parsed.workspace` is created when missing, as Kong does.
 */
export async function importDeclarative(
  entities: Entities,
  parsed: ParsedDeclarative,
): Promise<ImportCounts> {
  return entities.transaction(async (tx) => {
    const workspace =
      (await tx.workspaceByName(parsed.workspace)) ??
      (await tx.workspaces.insert('', { name: parsed.workspace }))
    const errors = new DeclarativeErrors()
    const failed = new Set<string>()
    const counts: Record<string, number> = {}
    for (const item of parsed.entities) {
      // An entity whose parent failed would only repeat that failure as a foreign key error.
      if (referencedIds(item).some((id) => failed.has(id))) {
        failed.add(item.id)
        continue
      }
      const dao = tx.dao(item.entity)
      if (!dao) {
        errors.add(item.path, `unknown entity: ${item.entity}`, true)
        continue
      }
      try {
        const { id, ...fields } = item.fields
        await dao.upsert(workspace.id, item.id, fields)
        counts[item.entity] = (counts[item.entity] ?? 0) + 1
      } catch (error) {
        if (!isGatewayError(error)) throw error
        failed.add(item.id)
        if (error.fields && error.code === 'SCHEMA_VIOLATION') errors.addFields(item.path, error.fields)
        else errors.add(item.path, error.message, true)
      }
    }
    errors.throwIfAny()
    return counts
  })
}
