import { UserError } from '../errors/index.ts'

/** One `key = value` line of a configuration file. */
export interface ConfEntry {
  key: string
  value: string
  line: number
}

/** Drops a `#` comment (anywhere on the line) and turns `\#` into a literal `#`. */
function stripComment(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '\\' && text[i + 1] === '#') {
      out += '#'
      i++
    } else if (char === '#') {
      break
    } else {
      out += char
    }
  }
  return out.trim()
}

/**
 * Reads kong.conf-style text: `key = value` lines, `#` comments (trailing ones too, `\#` for a
 * literal `#`), blank lines; surrounding whitespace trimmed. Keys are checked by the loader.
 */
export function parseConfText(text: string, file: string): ConfEntry[] {
  const entries: ConfEntry[] = []
  const seen = new Map<string, number>()
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1
    const content = stripComment(lines[index]!)
    if (content === '') continue
    const equals = content.indexOf('=')
    const key = equals === -1 ? '' : content.slice(0, equals).trim()
    if (!/^[A-Za-z0-9_]+$/.test(key)) {
      throw new UserError('CONFIG_INVALID', `${file}:${line}: expected "key = value", got "${content}"`)
    }
    const first = seen.get(key)
    if (first !== undefined) {
      throw new UserError('CONFIG_INVALID', `${file}:${line}: "${key}" is already set on line ${first}`)
    }
    seen.set(key, line)
    entries.push({ key, value: content.slice(equals + 1).trim(), line })
  }
  return entries
}
