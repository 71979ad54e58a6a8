/** Small helpers to follow a plugin's JSON Schema (local `$ref`s, `allOf`) alongside its data. */

export type JsonSchema = Record<string, unknown>

const MAX_REFS = 32

export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Follows local `$ref`s (`#/$defs/x`, `#/definitions/x`) a bounded number of times. */
export function deref(schema: unknown, root: JsonSchema): JsonSchema | undefined {
  let current = schema
  for (let hops = 0; isSchema(current) && typeof current.$ref === 'string'; hops++) {
    if (hops === MAX_REFS || !current.$ref.startsWith('#')) return undefined
    current = pointer(root, current.$ref.slice(1))
  }
  return isSchema(current) ? current : undefined
}

function pointer(root: JsonSchema, path: string): unknown {
  let node: unknown = root
  for (const raw of path.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    node = isSchema(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined
  }
  return node
}

/** The schema's own branches that also apply (`allOf`), itself first. */
function parts(schema: JsonSchema, root: JsonSchema): JsonSchema[] {
  const list = [schema]
  if (Array.isArray(schema.allOf)) {
    for (const branch of schema.allOf) {
      const part = deref(branch, root)
      if (part) list.push(part)
    }
  }
  return list
}

/** The declared schema of an object property, if any. */
export function propertySchema(schema: JsonSchema, key: string, root: JsonSchema): JsonSchema | undefined {
  for (const part of parts(schema, root)) {
    const properties = part.properties
    if (isSchema(properties) && Object.hasOwn(properties, key)) return deref(properties[key], root)
  }
  return undefined
}

/** A map in Kong's terms: free keys whose values follow one schema (additionalProperties / patternProperties). */
export function isMapSchema(schema: JsonSchema): boolean {
  const hasProperties = isSchema(schema.properties) && Object.keys(schema.properties).length > 0
  return !hasProperties && (isSchema(schema.additionalProperties) || isSchema(schema.patternProperties))
}

/** The schema of a key not declared in `properties`: the matching patternProperties, else additionalProperties. */
export function mapValueSchema(schema: JsonSchema, key: string, root: JsonSchema): JsonSchema | undefined {
  for (const part of parts(schema, root)) {
    if (isSchema(part.patternProperties)) {
      for (const [pattern, value] of Object.entries(part.patternProperties)) {
        if (safeTest(pattern, key)) return deref(value, root)
      }
    }
    if (isSchema(part.additionalProperties)) return deref(part.additionalProperties, root)
  }
  return undefined
}

/** The schema of an array element. */
export function itemSchema(schema: JsonSchema, index: number, root: JsonSchema): JsonSchema | undefined {
  for (const part of parts(schema, root)) {
    const tuple = Array.isArray(part.prefixItems)
      ? part.prefixItems
      : Array.isArray(part.items)
        ? part.items
        : null
    if (tuple && index < tuple.length) return deref(tuple[index], root)
    if (isSchema(part.items)) return deref(part.items, root)
  }
  return undefined
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text)
  } catch {
    return false
  }
}
