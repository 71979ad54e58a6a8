/** One config entry read as Kong reads it: the name up to the first `:`, the value after the colons. */
export interface Pair {
  name: string
  /** null when the entry has no value (`name` or `name:`). */
  value: string | null
}

export function parsePair(entry: string): Pair | null {
  const colon = entry.indexOf(':')
  if (colon === 0) return null
  if (colon < 0) return { name: entry, value: null }
  let start = colon
  while (entry[start] === ':') start++
  const value = entry.slice(start)
  return { name: entry.slice(0, colon), value: value === '' ? null : value }
}

/** Kong's append: a string becomes a list with the new value, a list grows, anything else restarts. */
export function appendValue<T>(current: unknown, value: T): (string | T)[] {
  if (typeof current === 'string') return [current, value]
  if (Array.isArray(current)) return [...(current as (string | T)[]), value]
  return [value]
}

/** Own properties only: request data may carry keys such as `__proto__` or `constructor`. */
export function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined
}

export function put(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true })
}

/** Lua's truthiness: only nil (absent) and false are false. */
export const truthy = (value: unknown): boolean => value !== undefined && value !== false
