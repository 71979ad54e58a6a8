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

/** The parsed entries of a list, with their position (json_types go by position). */
export function* pairs(list: readonly string[]): Generator<[number, string, string | null]> {
  for (const [index, entry] of list.entries()) {
    const pair = parsePair(entry)
    if (pair) yield [index, pair.name, pair.value]
  }
}
