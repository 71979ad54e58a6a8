/**
 * Why a plugin's migration is refused, as one line. Readers throw a Refusal with the innermost
 * reason; `within` prefixes where it happened (`up[1]: createTable 'x': column 'y': ...`), and
 * dataMigrations turns the whole into the plugin's UserError.
 */
export class Refusal extends Error {}

export function refuse(reason: string): never {
  throw new Refusal(reason)
}

export function within<T>(where: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (error instanceof Refusal) throw new Refusal(`${where}: ${error.message}`)
    throw error
  }
}

const PLAIN = /^[\w.-]{1,63}$/

/** A value as it can be shown in a one-line message: `'name'`, or JSON (escaped, shortened). */
export function quote(value: unknown): string {
  if (typeof value === 'string' && PLAIN.test(value)) return `'${value}'`
  const json = JSON.stringify(value) ?? String(value)
  return json.length > 40 ? `${json.slice(0, 37)}...` : json
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const IDENTIFIER = /^[a-z][a-z0-9_]*$/
/** PostgreSQL's identifier limit: longer names would be truncated there. */
const MAX_IDENTIFIER = 63

/** A table, column or index name: the same rule on every database, so nothing needs quoting rules. */
export function identifier(value: unknown, what: string): string {
  if (typeof value !== 'string') refuse(`${what} must be a string, not ${quote(value)}`)
  if (value.length > MAX_IDENTIFIER)
    refuse(`${what} ${quote(value)} is longer than ${MAX_IDENTIFIER} characters`)
  if (!IDENTIFIER.test(value)) {
    refuse(
      `${what} ${quote(value)} is not a valid name (lower case letters, digits and _, starting with a letter, at most ${MAX_IDENTIFIER} characters)`,
    )
  }
  return value
}

/** Refuses keys other than `allowed` (typos must not be ignored silently). */
export function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) refuse(`unknown key ${quote(key)} (expected ${allowed.join(', ')})`)
  }
}

export const list = (names: readonly string[]) => names.join(', ')
