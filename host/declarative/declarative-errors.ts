import { type FieldErrors, GatewayError } from '../errors/index.ts'

/** Where an error is: entity collections and 1-based entry numbers (Kong's "entry 1 of 'services'"). */
export type ErrorPath = readonly (string | number)[]

/** Errors about an entity as a whole go under this key, as in Kong's schema errors. */
const ENTITY_KEY = '@entity'
/** Listed in the one-line message; the `fields` of the error carry all of them. */
const SHOWN = 10

/** `services[1].routes[2].foo` */
export function formatPath(path: ErrorPath): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('')
}

function addTo(tree: FieldErrors, path: ErrorPath, message: string): void {
  let node = tree
  for (const part of path.slice(0, -1)) {
    const key = String(part)
    const next = node[key]
    if (typeof next === 'object' && !Array.isArray(next)) {
      node = next
    } else {
      const created: FieldErrors = {}
      if (next !== undefined) created[ENTITY_KEY] = next
      node[key] = created
      node = created
    }
  }
  const leaf = String(path[path.length - 1])
  const current = node[leaf]
  if (current === undefined) node[leaf] = message
  else if (typeof current === 'string') node[leaf] = [current, message]
  else if (Array.isArray(current)) current.push(message)
  else addTo(current, [ENTITY_KEY], message)
}

/** Collects every problem of a declarative file, then raises them as one DECLARATIVE_CONFIG error. */
export class DeclarativeErrors {
  private readonly items: { path: ErrorPath; message: string }[] = []

  /** A field's error (`path` ends with the field) or, with `entity`, an error about the whole entry. */
  add(path: ErrorPath, message: string, entity = false): void {
    this.items.push({ path: entity ? [...path, ENTITY_KEY] : path, message })
  }

  /** Field errors a DAO raised (Kong's nested shape), placed under the entity's path. */
  addFields(path: ErrorPath, fields: FieldErrors): void {
    for (const [field, value] of Object.entries(fields)) {
      if (typeof value === 'string') this.add([...path, field], value)
      else if (Array.isArray(value)) for (const message of value) this.add([...path, field], message)
      else this.addFields([...path, field], value)
    }
  }

  get count(): number {
    return this.items.length
  }

  /** Throws when anything was collected. */
  throwIfAny(source?: string): void {
    if (this.items.length > 0) throw this.toError(source)
  }

  toError(source?: string): GatewayError {
    const fields: FieldErrors = {}
    for (const item of this.items) addTo(fields, item.path, item.message)
    const lines = this.items
      .slice(0, SHOWN)
      .map((item) => `${formatPath(item.path.filter((part) => part !== ENTITY_KEY))}: ${item.message}`)
    const more = this.items.length > SHOWN ? `; and ${this.items.length - SHOWN} more` : ''
    const prefix = source ? `${source}: ` : ''
    return new GatewayError(
      'DECLARATIVE_CONFIG',
      `${prefix}declarative config is invalid: ${lines.join('; ')}${more}`,
      fields,
    )
  }
}
