import { type FieldErrors, GatewayError } from '../../errors/index.ts'

/**
 * A field's error in Kong's shape: a message, a list with one entry per array element (null for
 * valid elements), or messages per sub-field (records, foreign keys).
 */
export type FieldError = string | (FieldError | null)[] | FieldErrorMap
export type FieldErrorMap = { [field: string]: FieldError }

/** Kong's `@entity` list holds cross-field (entity check) messages. */
export function addEntityError(errors: FieldErrorMap, message: string): void {
  const list = (errors['@entity'] ?? []) as string[]
  list.push(message)
  errors['@entity'] = list
}

/** Lua's pl.pretty.write(value, ''): `{name="x"}`, keys sorted, used in Kong's messages. */
export function luaPretty(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value !== 'object') return String(value)
  if (Array.isArray(value)) return `{${value.map(luaPretty).join(',')}}`
  const entries = Object.keys(value as object)
    .sort()
    .map((key) => {
      const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : `[${JSON.stringify(key)}]`
      return `${name}=${luaPretty((value as Record<string, unknown>)[key])}`
    })
  return `{${entries.join(',')}}`
}

/** Kong's sub-field keys: arrays are 1-based tables in Lua. */
function subEntries(error: FieldError): [string, FieldError][] {
  if (typeof error === 'string') return []
  if (Array.isArray(error)) {
    return error.flatMap((entry, index) =>
      entry === null ? [] : [[String(index + 1), entry] as [string, FieldError]],
    )
  }
  return Object.keys(error)
    .sort()
    .map((key) => [key, error[key] as FieldError])
}

/** Kong's schema violation: `schema violation (f: msg)` or `N schema violations (a: x; b: y)`. */
export function schemaViolation(errors: FieldErrorMap): GatewayError {
  const parts: string[] = [...(((errors['@entity'] as string[] | undefined) ?? []) as string[])]
  for (const field of Object.keys(errors).sort()) {
    if (field === '@entity') continue
    const error = errors[field] as FieldError
    if (typeof error === 'string') {
      parts.push(`${field}: ${error}`)
      continue
    }
    for (const [sub, value] of subEntries(error)) {
      parts.push(`${field}.${sub}: ${typeof value === 'string' ? value : luaPretty(value)}`)
    }
  }
  const message =
    parts.length === 1
      ? `schema violation (${parts[0]})`
      : `${parts.length} schema violations (${parts.join('; ')})`
  return new GatewayError('SCHEMA_VIOLATION', message, errors as unknown as FieldErrors)
}
