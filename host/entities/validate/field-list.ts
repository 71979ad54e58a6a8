import type { FieldDefinition, FieldSchema } from '../schema-types.ts'

/** `[name, definition]` pairs in Kong's field order. */
export function fieldEntries(fields: readonly FieldDefinition[]): [string, FieldSchema][] {
  return fields.map((definition) => {
    const name = Object.keys(definition)[0] as string
    return [name, definition[name] as FieldSchema]
  })
}

export function findField(fields: readonly FieldDefinition[], name: string): FieldSchema | undefined {
  for (const definition of fields) {
    if (Object.hasOwn(definition, name)) return definition[name]
  }
  return undefined
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
