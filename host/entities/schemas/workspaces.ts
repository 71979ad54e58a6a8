import type { EntitySchema } from '../schema-types.ts'
import { autoTimestamp, name, uuid } from './typedefs.ts'

/**
 * Names a workspace may not take: they would clash with Admin API paths (`/{workspace}/...` sits
 * beside `/services`, `/schemas`, `/status`...). Kong refuses its core entity names; isogate also
 * refuses its other top-level paths.
 */
export const RESERVED_WORKSPACE_NAMES = [
  'workspaces',
  'consumers',
  'certificates',
  'services',
  'routes',
  'snis',
  'upstreams',
  'targets',
  'plugins',
  'tags',
  'ca_certificates',
  'clustering_data_planes',
  'parameters',
  'vaults',
  'key_sets',
  'keys',
  'filter_chains',
  'schemas',
  'status',
  'metrics',
  'config',
  'endpoints',
  'custom-plugins',
  'cache',
  'timers',
  'debug',
] as const

/** kong/db/schema/entities/workspaces.lua; `config` and `meta` are free-form objects here. */
export const workspacesSchema: EntitySchema = {
  name: 'workspaces',
  primaryKey: ['id'],
  endpointKey: 'name',
  cacheKey: ['name'],
  workspaceable: false,
  fields: [
    { id: uuid() },
    { name: name({ required: true, not_one_of: RESERVED_WORKSPACE_NAMES }) },
    { comment: { type: 'string' } },
    { created_at: autoTimestamp() },
    { updated_at: autoTimestamp() },
    { meta: { type: 'json' } },
    { config: { type: 'json' } },
  ],
}
