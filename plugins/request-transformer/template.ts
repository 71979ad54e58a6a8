import type { AccessKong, HeaderMap, QueryArgs } from 'isogate/sdk'
import { own } from './pairs.ts'

/**
 * Kong renders config values as Penlight templates whose `$(...)` parts are Lua expressions run in
 * a sandbox. Plugins here cannot run Lua, so values support the data-only subset Kong documents:
 * `$(headers.name)`, `$(headers['x-name'])`, `$(query_params.q)`, `$(uri_captures.name)`,
 * `$(uri_captures[1])`, `$(shared.key)`, quoted string literals and `a or b or 'default'`.
 * Anything else fails the request, as a template error does in Kong.
 */

/** The template sources, each read on first use and then kept for the request (Kong's lazy env). */
export class TemplateEnv {
  readonly #kong: AccessKong
  #headers: HeaderMap | undefined
  #query: QueryArgs | undefined
  #captures: { unnamed: string[]; named: Record<string, string> } | undefined

  constructor(kong: AccessKong) {
    this.#kong = kong
  }
  headers(): HeaderMap {
    this.#headers ??= this.#kong.request.getHeaders()
    return this.#headers
  }
  query(): QueryArgs {
    this.#query ??= this.#kong.request.getQuery()
    return this.#query
  }
  lookup(root: string, key: string): unknown {
    switch (root) {
      case 'headers': {
        // Kong's header table: case-insensitive, `_` standing for `-`.
        const headers = this.headers()
        const lower = key.toLowerCase()
        return own(headers, lower) ?? own(headers, lower.replaceAll('_', '-'))
      }
      case 'query_params':
        return own(this.query(), key)
      case 'uri_captures': {
        this.#captures ??= this.#kong.request.getUriCaptures()
        return /^\d+$/.test(key) ? this.#captures.unnamed[Number(key)] : own(this.#captures.named, key)
      }
      case 'shared':
        return own(this.#kong.ctx.shared, key)
      default:
        return undefined
    }
  }
}

class TemplateError extends Error {}

const TOKEN =
  /\s*(?:(or)\b|([A-Za-z_][A-Za-z0-9_]*)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(\d+)|(\.)|(\[)|(\]))/y

type Token = { kind: 'or' | '.' | '[' | ']' } | { kind: 'name' | 'string' | 'number'; text: string }

function tokenize(expression: string): Token[] {
  const tokens: Token[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break
    const start = TOKEN.lastIndex
    const m = TOKEN.exec(expression)
    if (!m || TOKEN.lastIndex === start) throw new TemplateError(`unsupported expression '${expression}'`)
    if (m[1]) tokens.push({ kind: 'or' })
    else if (m[2] !== undefined) tokens.push({ kind: 'name', text: m[2] })
    else if (m[3] !== undefined) tokens.push({ kind: 'string', text: unquote(m[3]) })
    else if (m[4] !== undefined) tokens.push({ kind: 'string', text: unquote(m[4]) })
    else if (m[5] !== undefined) tokens.push({ kind: 'number', text: m[5] })
    else tokens.push({ kind: (m[6] ?? m[7] ?? m[8]) as '.' | '[' | ']' })
  }
  return tokens
}

const unquote = (text: string): string => text.replace(/\\(.)/g, '$1')

/** One `or` operand: a literal, or a source followed by `.name` / `['key']` / `[n]`. */
function operand(tokens: Token[], at: number, env: TemplateEnv): { value: unknown; next: number } {
  const first = tokens[at]
  if (first?.kind === 'string' || first?.kind === 'number') return { value: first.text, next: at + 1 }
  if (first?.kind !== 'name') throw new TemplateError('expected a value')
  let i = at + 1
  const keys: string[] = []
  for (;;) {
    const token = tokens[i]
    if (token?.kind === '.' && tokens[i + 1]?.kind === 'name') {
      keys.push((tokens[i + 1] as { text: string }).text)
      i += 2
    } else if (token?.kind === '[' && tokens[i + 2]?.kind === ']') {
      const key = tokens[i + 1]
      if (key?.kind !== 'string' && key?.kind !== 'number') throw new TemplateError('expected a key')
      keys.push(key.text)
      i += 3
    } else break
  }
  if (keys.length !== 1 || !['headers', 'query_params', 'uri_captures', 'shared'].includes(first.text)) {
    throw new TemplateError(`unsupported expression starting with '${first.text}'`)
  }
  return { value: env.lookup(first.text, keys[0] as string), next: i }
}

function evaluate(expression: string, env: TemplateEnv): unknown {
  const tokens = tokenize(expression)
  let i = 0
  let result: unknown
  for (;;) {
    const { value, next } = operand(tokens, i, env)
    // Lua's `or`: the first value that is neither nil nor false.
    if (result === undefined || result === null || result === false) result = value
    i = next
    if (i === tokens.length) return result
    if (tokens[i]?.kind !== 'or') throw new TemplateError(`unsupported expression '${expression}'`)
    i++
  }
}

/** Kong prints nil and false as '' (`x or ''`); lists (repeated headers or arguments) are joined with `, `. */
function text(value: unknown): string {
  if (value === undefined || value === null || value === false) return ''
  if (Array.isArray(value)) return value.map(text).join(', ')
  return String(value)
}

/** Renders every `$(...)` of `source` (balanced parentheses, as Penlight's `%b()`). */
export function render(source: string, env: TemplateEnv): string {
  let out = ''
  let at = 0
  for (;;) {
    const start = source.indexOf('$(', at)
    if (start < 0) return out + source.slice(at)
    let depth = 0
    let end = -1
    for (let i = start + 1; i < source.length; i++) {
      if (source[i] === '(') depth++
      else if (source[i] === ')' && --depth === 0) {
        end = i
        break
      }
    }
    // An unbalanced `$(` is plain text, as in Penlight.
    if (end < 0) return out + source.slice(at)
    let value: unknown
    try {
      value = evaluate(source.slice(start + 2, end), env)
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error
      throw new Error(
        `[request-transformer] failed to render the template ${source}, error: ${error.message}`,
      )
    }
    out += source.slice(at, start) + text(value)
    at = end + 1
  }
}
