import { FRAMING_HEADERS } from '../protocol.ts'
import { BRIDGE_LIMITS } from './bridge-limits.ts'
import { type BridgeRule, BridgeViolation } from './bridge-violation.ts'

/**
 * Field checks of an isolate's answer: the envelope's (validate-result.ts) and each operation's
 * (host/chain/apply-mutations.ts). Each throws a BridgeViolation naming the rule and the field's
 * path in the answer (`mutations[3].value`), never the offending value.
 */

export type Json = Record<string, unknown>

/** A field check's violation, its path kept apart so a caller can put it under its own (`under`). */
class FieldViolation extends BridgeViolation {
  constructor(
    rule: BridgeRule,
    readonly where: string,
    readonly what: string,
  ) {
    super(rule, `${where}: ${what}`)
  }
}

export function fail(rule: BridgeRule, where: string, what: string): never {
  throw new FieldViolation(rule, where, what)
}

/**
 * The same violation with its field path under `prefix`: operations are checked with short
 * relative paths (`name`), built into `mutations[3].name` only when one fails.
 */
export function under(prefix: string, error: unknown): unknown {
  if (!(error instanceof FieldViolation)) return error
  return new FieldViolation(error.rule, error.where === '' ? prefix : `${prefix}.${error.where}`, error.what)
}

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function record(value: unknown, where: string): Json {
  if (!isRecord(value)) fail('shape', where, 'must be an object')
  return value
}

export function array(value: unknown, where: string, max: number, rule: BridgeRule): unknown[] {
  if (!Array.isArray(value)) fail('shape', where, 'must be an array')
  if (value.length > max) fail(rule, where, `has ${value.length} entries, more than ${max}`)
  return value
}

export function text(value: unknown, where: string, max: number, rule: BridgeRule = 'text_size'): string {
  if (typeof value !== 'string') fail('shape', where, 'must be a string')
  if (value.length > max) fail(rule, where, `is ${value.length} characters, more than ${max}`)
  return value
}

export function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') fail('shape', where, 'must be a boolean')
  return value
}

export function integer(value: unknown, where: string, min: number, max: number, rule: BridgeRule): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail(rule, where, 'must be an integer')
  if (value < min || value > max) fail(rule, where, `must be within ${min}–${max}`)
  return value
}

/** A plugin's status is final: a 1xx with a body would desynchronise a kept-alive connection. */
export function status(value: unknown, where: string): number {
  return integer(value, where, 200, 599, 'status')
}

/** Framing and hop-by-hop headers: the gateway frames every message itself; the prelude never sends them. */
const FRAMING: ReadonlySet<string> = new Set(FRAMING_HEADERS)

/** A header name a plugin may set (or add): a token, and none of FRAMING (`_` counts as `-`). */
export function settableName(value: unknown, where: string): string {
  const name = headerName(value, where)
  if (FRAMING.has(name.toLowerCase().replaceAll('_', '-'))) {
    fail('header_name', where, 'is a framing or hop-by-hop header, which plugins cannot set')
  }
  return name
}

/** RFC 9110 token: what a header name (and a method) must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** What node:http accepts in a header value: HTAB, visible ASCII, space, and U+0080–U+00FF. */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/
/** C0 controls and DEL have no place in a path, query or host; the proxy escapes the rest. */
const CONTROL_CHAR = /[\x00-\x1f\x7f]/

export function headerName(value: unknown, where: string): string {
  const name = text(value, where, BRIDGE_LIMITS.headerNameChars, 'header_name')
  if (!TOKEN.test(name)) fail('header_name', where, 'is not an HTTP token')
  return name
}

function headerValue(value: unknown, where: string): string {
  const checked = text(value, where, BRIDGE_LIMITS.headerValueChars, 'header_size')
  if (BAD_VALUE_CHAR.test(checked)) {
    fail('header_value', where, 'contains CR, LF, NUL, another control character or a character above U+00FF')
  }
  return checked
}

/** A header value as the protocol allows it: one string or a list of strings. */
export function headerValues(value: unknown, where: string): string | string[] {
  if (!Array.isArray(value)) return headerValue(value, where)
  array(value, where, BRIDGE_LIMITS.headerValues, 'header_count')
  for (let i = 0; i < value.length; i++) headerValue(value[i], `${where}[${i}]`)
  return value as string[]
}

/** A header map's names: at most BRIDGE_LIMITS.headers of them. */
export function headerNames(map: Json, where: string): string[] {
  const names = Object.keys(map)
  if (names.length > BRIDGE_LIMITS.headers) {
    fail('header_count', where, `has ${names.length} headers, more than ${BRIDGE_LIMITS.headers}`)
  }
  return names
}

export function headerMap(value: unknown, where: string): void {
  const map = record(value, where)
  for (const name of headerNames(map, where)) {
    settableName(name, `${where} name`)
    headerValues(map[name], `${where}.${name}`)
  }
}

/** Text bound for a URL part: no control characters, at most BRIDGE_LIMITS.urlChars. */
export function urlPart(value: unknown, where: string, rule: BridgeRule): string {
  const checked = text(value, where, BRIDGE_LIMITS.urlChars, rule)
  if (CONTROL_CHAR.test(checked)) fail(rule, where, 'contains a control character')
  return checked
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

export function body(value: unknown, isBase64: boolean, where: string): string {
  const checked = text(value, where, BRIDGE_LIMITS.bodyChars, 'body_size')
  if (isBase64) base64(checked, where)
  return checked
}

export function base64(value: string, where: string): void {
  if (value.length % 4 !== 0 || !BASE64.test(value)) fail('base64', where, 'is not base64')
}
