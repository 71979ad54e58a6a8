import { createHash } from 'node:crypto'

/** RFC 4122 name-based UUID (version 5, SHA-1), as resty.jit-uuid's `factory_v5` makes them. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Kong's root namespace for declarative entity ids (kong/db/schema/others/declarative_config.lua). */
const ENTITIES_NAMESPACE = 'fd02801f-0957-4a15-a55a-c8d9606f30b5'

/**
 * The stable id Kong gives an entity declared without one: v5(v5(root, entity), key). Outside the
 * `default` workspace the workspace name joins the namespace, so one file imported into two
 * workspaces does not produce the same ids twice (ids are unique across the whole database).
 */
export function declarativeId(workspace: string, entity: string, key: string): string {
  const scope = workspace === 'default' ? entity : `${workspace}:${entity}`
  return uuidV5(uuidV5(ENTITIES_NAMESPACE, scope), key)
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
