import type { EntitySchema, FieldSchema } from '../schema-types.ts'
import { autoTimestamp, name, protocols, tags, uuid } from './typedefs.ts'

const scope = (reference: string, description: string): FieldSchema => ({
  type: 'foreign',
  reference,
  default: null,
  on_delete: 'cascade',
  description,
})

/** Plugin ordering (dynamic ordering): plugin names to run before/after, per phase. */
const ordering = (): FieldSchema => ({
  type: 'record',
  fields: ['before', 'after'].map((key) => ({
    [key]: {
      type: 'map',
      keys: { type: 'string', one_of: ['access'] },
      values: { type: 'array', elements: { type: 'string' } },
    } satisfies FieldSchema,
  })),
})

/**
 * kong/db/schema/entities/plugins.lua (3.x). `config` is validated by the plugin's own schema
 * through the PluginRegistry (Kong's subschema keyed by `name`).
 */
export const pluginsSchema: EntitySchema = {
  name: 'plugins',
  primaryKey: ['id'],
  endpointKey: 'instance_name',
  cacheKey: ['name', 'route', 'service', 'consumer'],
  workspaceable: true,
  fields: [
    { id: uuid() },
    {
      name: {
        type: 'string',
        required: true,
        indexed: true,
        description: "The name of the Plugin that's going to be added.",
      },
    },
    { instance_name: name() },
    { created_at: autoTimestamp() },
    { updated_at: autoTimestamp() },
    {
      route: scope(
        'routes',
        'If set, the plugin will only activate when receiving requests via the specified route.',
      ),
    },
    {
      service: scope(
        'services',
        'If set, the plugin will only activate when receiving requests via one of the routes belonging to the specified Service.',
      ),
    },
    {
      consumer: scope(
        'consumers',
        'If set, the plugin will activate only for requests where the specified has been authenticated.',
      ),
    },
    {
      config: { type: 'record', abstract: true, description: 'The configuration properties for the Plugin.' },
    },
    { protocols: protocols() },
    { enabled: { type: 'boolean', default: true, description: 'Whether the plugin is applied.' } },
    { tags: tags() },
    { ordering: ordering() },
  ],
}
