/**
 * Regex paths (`~...`) as Kong 3.x compiles them for ATC (`path_val_transform` in
 * `kong/router/transform.lua`): the `~` is dropped and the pattern anchored at the start of the
 * normalised path (not at its end). Kong rewrites PCRE's `(?<name>` to Rust's `(?P<name>`; JS wants
 * the former, so `(?P<name>` is rewritten the other way. A leading `(?i)` becomes the `i` flag.
 */

const INLINE_CASELESS = '(?i)'

export interface PathRegex {
  regex: RegExp
  /** Literal text every match starts with ('' when unknown); used only to index the route. */
  literalPrefix: string
}

/** Throws a SyntaxError when JS cannot compile the pattern. */
export function compilePathRegex(routePath: string): PathRegex {
  let source = routePath.slice(1).replaceAll('(?P<', '(?<')
  let flags = ''
  if (source.startsWith(INLINE_CASELESS)) {
    source = source.slice(INLINE_CASELESS.length)
    flags = 'i'
  }
  // Grouped so that a top-level alternation is anchored as a whole.
  const regex = new RegExp('^(?:' + source + ')', flags)
  return { regex, literalPrefix: flags === '' ? literalPrefix(source) : '' }
}

const META = new Set(['^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}'])
const OPTIONAL_QUANTIFIERS = new Set(['?', '*', '{'])
const ALNUM = /[A-Za-z0-9]/

/** The literal characters a pattern starts with; conservative: '' whenever alternation appears. */
export function literalPrefix(source: string): string {
  if (source.includes('|')) return ''
  const chars: string[] = []
  let i = source.startsWith('^') ? 1 : 0
  while (i < source.length) {
    const c = source[i]!
    if (META.has(c)) {
      // The last literal may occur zero times.
      if (OPTIONAL_QUANTIFIERS.has(c)) chars.pop()
      break
    }
    if (c === '\\') {
      const escaped = source[i + 1]
      if (escaped === undefined || ALNUM.test(escaped)) break
      chars.push(escaped)
      i += 2
      continue
    }
    chars.push(c)
    i++
  }
  return chars.join('')
}
