import type { EntitySchema, FieldDefinition, FieldSchema } from '../entities/index.ts'
import { isRecord } from './form.ts'
import { inferRecord } from './infer.ts'
import { parseBody } from './parse-body.ts'

/** Kong-shaped schema of one plugin (`{ fields: [...] }`), for typing form-encoded `config.*`. */
export type PluginSchemaLookup = (name: string) => Record<string, unknown> | undefined

/**
 * An entity's input from the request body. Form values are typed from the entity schema; a
 * plugin's `config.*` from that plugin's own schema, found by the body's `name` or, for a
 * PATCH without one, the stored plugin's (`storedName`, only asked when needed).
 */
export async function readInput(
  request: Request,
  schema: EntitySchema,
  options: { pluginSchema?: PluginSchemaLookup; storedName?: () => Promise<unknown> } = {},
): Promise<Record<string, unknown>> {
  const body = await parseBody(request)
  if (!body.form) return body.value
  let fields = schema.fields
  if (schema.name === 'plugins' && options.pluginSchema) {
    const name = typeof body.value.name === 'string' ? body.value.name : await options.storedName?.()
    const config = typeof name === 'string' ? configField(options.pluginSchema(name)) : undefined
    if (config) fields = fields.map((definition) => ('config' in definition ? { config } : definition))
  }
  // `ttl` is an option of ttl entities, not a field: typed as an integer all the same.
  if (schema.ttl) fields = [...fields, { ttl: { type: 'integer' } }]
  return inferRecord(body.value, fields)
}

function configField(schema: Record<string, unknown> | undefined): FieldSchema | undefined {
  const fields = schema?.fields
  if (!Array.isArray(fields)) return undefined
  const entry = (fields as FieldDefinition[]).find(
    (definition) => isRecord(definition) && 'config' in definition,
  )
  return entry?.config
}
