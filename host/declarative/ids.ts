import type { DeclarativeEntity } from './catalog.ts'
import { declarativeId } from './uuid-v5.ts'

/** The entity an item is nested in: its foreign key field in the item and its id. */
export interface ParentLink {
  field: string
  id: string
}

/** Kong's best-effort cache key (`plugins:<name>:<route>:<service>:<consumer>`), or undefined when incomplete. */
function cacheKeyText(def: DeclarativeEntity, item: Record<string, unknown>, parent?: ParentLink) {
  const parts = [def.name]
  for (const { field, required } of def.cacheKey ?? []) {
    const value = item[field]
    if (typeof value === 'string') parts.push(value)
    else if (value === undefined || value === null) {
      if (parent?.field === field) parts.push(parent.id)
      else if (required) return undefined
      else parts.push('')
    }
    // Kong skips other values (a `{ id }` reference) without a placeholder; so do we, for equal ids.
  }
  return parts.join(':')
}

/**
 * The id of an item declared without one, as Kong's DB-less loader makes it: from the endpoint
 * key (composed with the parent's id when the key is unique only per parent), else from the cache
 * key; undefined when neither is complete (the caller then picks a random id).
 */
export function stableId(
  workspace: string,
  def: DeclarativeEntity,
  item: Record<string, unknown>,
  parent?: ParentLink,
): string | undefined {
  const endpoint = def.endpointKey ? item[def.endpointKey] : undefined
  if (typeof endpoint === 'string') {
    let key = endpoint
    if (!def.endpointKeyUnique) {
      for (const field of def.cascade ?? []) {
        const ref = parent?.field === field ? parent.id : item[field]
        if (typeof ref === 'string') key += `:${ref}`
      }
    }
    return declarativeId(workspace, def.name, key)
  }
  if (!def.cacheKey) return undefined
  const key = cacheKeyText(def, item, parent)
  return key === undefined ? undefined : declarativeId(workspace, def.name, key)
}
