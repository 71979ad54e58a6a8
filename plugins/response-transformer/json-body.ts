import { pairs } from './pairs.ts'
import type { Config, JsonType } from './schema.ts'

type Json = Record<string, unknown>

const own = (object: Json, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined)
const put = (object: Json, key: string, value: unknown): void => {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true })
}
/** Lua's truthiness: only nil (absent) and false are false; JSON null is a value. */
const truthy = (value: unknown): boolean => value !== undefined && value !== false

/** Lua's tonumber on a string: decimal or hex, surrounding spaces allowed; null when not a number. */
function toNumber(text: string): number | null {
  const trimmed = text.trim()
  const hex = /^([-+]?)0[xX]([0-9a-fA-F]+)$/.exec(trimmed)
  if (hex) return (hex[1] === '-' ? -1 : 1) * Number.parseInt(hex[2] as string, 16)
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) return null
  return Number(trimmed)
}

/**
 * A config value as Kong puts it in the body: JSON-encoded, unquoted, with `\"` turned back into
 * `"` (so backslashes and control characters stay escaped, as in Kong), then cast by its
 * json_types entry. A pair without value is Lua's nil, which Kong encodes as the text `null`.
 */
function jsonValue(value: string | null, type: JsonType | undefined): unknown {
  const text = value === null ? 'null' : JSON.stringify(value).slice(1, -1).replaceAll('\\"', '"')
  if (type === 'number') return toNumber(text)
  if (type === 'boolean') return text === 'true'
  return text
}

function appendValue(current: unknown, value: unknown): unknown[] {
  if (typeof current === 'string') return [current, value]
  if (Array.isArray(current)) return [...current, value]
  return [value]
}

/**
 * Kong's JSON body steps, in order: remove, rename, replace (when present), add (when absent),
 * append. Answers the new body, or an error when the body is not a JSON object (a JSON array
 * comes back as it was: Kong's string keys never reach an encoded array).
 */
export function transformJsonBody(conf: Config, body: string): { body: string } | { error: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return { error: 'failed parsing json body' }
  }
  if (Array.isArray(parsed)) return { body }
  if (parsed === null || typeof parsed !== 'object') return { error: 'the json body is not an object' }
  const json = parsed as Json

  for (const [, name] of pairs(conf.remove.json)) delete json[name]
  for (const [, from, to] of pairs(conf.rename.json)) {
    const value = own(json, from)
    if (value === undefined || to === null) continue
    put(json, to, value)
    delete json[from]
  }
  for (const [i, name, value] of pairs(conf.replace.json)) {
    const v = jsonValue(value, conf.replace.json_types[i])
    if (truthy(own(json, name)) && v !== null) put(json, name, v)
  }
  for (const [i, name, value] of pairs(conf.add.json)) {
    const v = jsonValue(value, conf.add.json_types[i])
    if (!truthy(own(json, name)) && v !== null) put(json, name, v)
  }
  for (const [i, name, value] of pairs(conf.append.json)) {
    const v = jsonValue(value, conf.append.json_types[i])
    if (v !== null) put(json, name, appendValue(own(json, name), v))
  }
  return { body: JSON.stringify(json) }
}
