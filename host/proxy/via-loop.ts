import { createHash } from 'node:crypto'

/**
 * This node's `received-by` in the Via it sends upstream: `isogate-<8 hex of its node id>/<version>`.
 * Node-specific, so a request that comes back through the node's public name is recognised as a
 * loop, while one that passed through ANOTHER isogate node (another id) is not.
 */
export function viaName(nodeId: string, version: string): string {
  const tag = createHash('sha256').update(nodeId).digest('hex').slice(0, 8)
  return `isogate-${tag}/${version}`
}

/** Does a request's Via (one or more `protocol received-by [comment]` entries) name `name`? */
export function viaNamesNode(via: string | string[] | undefined, name: string): boolean {
  if (via === undefined) return false
  const text = Array.isArray(via) ? via.join(',') : via
  // Cheap before exact: most requests carry no Via at all, or none of ours.
  if (!text.includes(name)) return false
  return text.split(',').some((entry) => entry.trim().split(/\s+/)[1] === name)
}
