import { toKongFields } from './kong-fields.ts'
import type { PluginSchemaDefinition } from './types.ts'

/** Kong's typedefs.protocols_http (the plugins entity's protocols), as served for every HTTP plugin. */
const HTTP_PROTOCOLS = ['grpc', 'grpcs', 'http', 'https', 'ws', 'wss']

const forbidden = (reference: string) => ({ type: 'foreign', reference, eq: null })

/**
 * `GET /schemas/plugins/{name}` in Kong's shape: the plugin's own fields (scoping restrictions as
 * Kong's `no_consumer`/`no_route`/`no_service` typedefs, `protocols`, `config` as a record), and
 * the config's JSON Schema itself under `json_schema`.
 */
export function kongPluginSchema(schema: PluginSchemaDefinition): Record<string, unknown> {
  const fields: Record<string, unknown>[] = []
  if (schema.noConsumer) fields.push({ consumer: forbidden('consumers') })
  if (schema.noRoute) fields.push({ route: forbidden('routes') })
  if (schema.noService) fields.push({ service: forbidden('services') })
  fields.push({
    protocols: {
      type: 'set',
      required: true,
      default: [...HTTP_PROTOCOLS],
      elements: { type: 'string', one_of: [...HTTP_PROTOCOLS] },
      description: 'A set of strings representing HTTP protocols.',
    },
  })
  fields.push({ config: { type: 'record', required: true, ...toKongFields(schema.config) } })
  return { fields, json_schema: structuredClone(schema.config) }
}
