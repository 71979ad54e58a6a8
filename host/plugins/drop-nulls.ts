import { isSchema, itemSchema, type JsonSchema, propertySchema } from './json-schema-walk.ts'

function acceptsNull(schema: JsonSchema): boolean {
  const { type } = schema
  if (type === 'null' || schema.nullable === true) return true
  if (Array.isArray(type)) return type.includes('null')
  if (Array.isArray(schema.enum)) return schema.enum.includes(null)
  return type === undefined && schema.const === undefined
}

/**
 * Kong treats `null` in a config as "not set" (decK and form posts send it for unset fields): a
 * declared field whose schema does not accept null loses it, so its default applies or
 * `required field missing` is reported. Undeclared keys keep theirs, to be reported as unknown.
 */
export function dropNulls(value: unknown, schema: JsonSchema | undefined, root: JsonSchema, depth = 0): void {
  if (!schema || depth > 64) return
  if (Array.isArray(value)) {
    for (const [index, element] of value.entries())
      dropNulls(element, itemSchema(schema, index, root), root, depth + 1)
    return
  }
  if (!isSchema(value)) return
  for (const key of Object.keys(value)) {
    const declared = propertySchema(schema, key, root)
    if (!declared) continue
    if (value[key] === null && !acceptsNull(declared)) delete value[key]
    else dropNulls(value[key], declared, root, depth + 1)
  }
}
