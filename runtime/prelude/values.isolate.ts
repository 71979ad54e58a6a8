import type { Quota } from './call.isolate.ts'
import { misuse } from './errors.isolate.ts'
import {
  ArrayIsArray,
  ArrayPrototype,
  ErrorCtor,
  JsonStringify,
  NumberIsFinite,
  NumberToString,
  ObjectHasOwn,
  ObjectKeys,
  ObjectPrototype,
  OrdinaryHasInstance,
  push,
  ReflectApply,
  ReflectGetPrototypeOf,
  record,
  SetAdd,
  SetCtor,
  SetDelete,
  SetHas,
  StringCtor,
  StringSlice,
  setKey,
} from './intrinsics.isolate.ts'
import { bounded, CAPS, MAX_CUTTABLE, overQuota } from './quota.isolate.ts'

/** Limits on a value copied out of plugin code: deeper or bigger values are refused. */
const MAX_DEPTH = 64
const MAX_NODES = 100_000
const MAX_ARRAY = 1_000_000
/** Characters of strings and keys in one copy (lengths only: a rope is never flattened here). */
const MAX_CHARS = CAPS.resultChars

const SKIP: unique symbol = Symbol('skip')

/** JSON data as the prelude builds and sends it. */
export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain }

class Refused {
  constructor(readonly reason: string) {}
}

/** `instanceof` runs a proxy's getPrototypeOf trap: a throwing trap means "not ours". */
function isRefused(value: unknown): value is Refused {
  try {
    return value instanceof Refused
  } catch {
    return false
  }
}

/**
 * A JSON-safe copy of a value handed over by plugin code, with JSON.stringify's semantics
 * (toJSON, own enumerable keys, functions and undefined dropped) but none of its hazards:
 * getters and proxy traps that throw, cycles, BigInt, runaway depth or size give a PDK error
 * naming `fn` after `context` (or, with `lenient`, the offending part is left out).
 */
export function toPlain(
  value: unknown,
  fn: string,
  lenient = false,
  context = '',
  maxChars = MAX_CHARS,
  quota?: { rule: Quota['rule']; where: string },
): Plain | undefined {
  const seen = new SetCtor<object>()
  let nodes = 0
  let chars = 0
  const refuse = (reason: string): typeof SKIP => {
    if (lenient) return SKIP
    throw new Refused(reason)
  }
  /** Past maxChars: the running call's quota when one is named (the value will not cross), else a refusal. */
  const tooLarge = (): typeof SKIP => {
    if (quota) overQuota(fn, quota.rule, quota.where, chars, maxChars)
    return refuse('value is too large')
  }
  const copy = (input: unknown, key: string, depth: number, allowToJson: boolean): Plain | typeof SKIP => {
    switch (typeof input) {
      case 'string':
        chars += input.length
        return chars > maxChars ? tooLarge() : input
      case 'boolean':
        return input
      case 'number':
        return NumberIsFinite(input) ? input : null
      case 'bigint':
        return lenient ? `${StringCtor(input)}n` : refuse('cannot serialize a BigInt')
      case 'undefined':
      case 'function':
      case 'symbol':
        return SKIP
    }
    if (input === null) return null
    const object = input as object
    if (depth > MAX_DEPTH) return refuse(`value is nested deeper than ${MAX_DEPTH} levels`)
    if (++nodes > MAX_NODES) return refuse('value is too large')
    if (SetHas(seen, object)) return refuse('value contains a cycle')
    try {
      if (allowToJson && ownToJson(object)) {
        const toJson = (object as { toJSON?: unknown }).toJSON
        if (typeof toJson === 'function')
          return copy(ReflectApply(toJson, object, [key]), key, depth + 1, false)
      }
      SetAdd(seen, object)
      if (ArrayIsArray(object)) {
        const length = (object as unknown[]).length
        if (typeof length !== 'number' || !(length <= MAX_ARRAY)) return refuse('array is too long')
        const out: Plain[] = []
        for (let i = 0; i < length; i++) {
          const item = copy((object as unknown[])[i], StringCtor(i), depth + 1, true)
          push(out, item === SKIP ? null : item)
        }
        return out
      }
      const out = record<Plain>()
      const keys = ObjectKeys(object)
      for (let i = 0; i < keys.length; i++) {
        if (++nodes > MAX_NODES) return refuse('value is too large')
        const name = keys[i]!
        chars += name.length
        if (chars > maxChars) return tooLarge()
        let raw: unknown
        try {
          raw = (object as Record<string, unknown>)[name]
        } catch (error) {
          if (refuse(`reading ${name} failed: ${describe(error)}`) === SKIP) continue
        }
        const item = copy(raw, name, depth + 1, true)
        if (item !== SKIP) out[name] = item
      }
      return out
    } catch (error) {
      if (isRefused(error)) throw error
      return refuse(`reading the value failed: ${describe(error)}`)
    } finally {
      SetDelete(seen, object)
    }
  }
  try {
    const result = copy(value, '', 0, true)
    return result === SKIP ? undefined : result
  } catch (error) {
    throw misuse(fn, context + (isRefused(error) ? error.reason : 'the value could not be copied'))
  }
}

/**
 * Whether JSON's `toJSON` applies: an own method, or one of a class or built-in (Date). A
 * `toJSON` a plugin put on Object.prototype or Array.prototype is ignored, so it cannot turn
 * every plain table the PDK copies into something else.
 */
function ownToJson(object: object): boolean {
  if (ObjectHasOwn(object, 'toJSON')) return true
  const proto = ReflectGetPrototypeOf(object)
  return proto !== null && proto !== ObjectPrototype && proto !== ArrayPrototype
}

/**
 * JSON text of data the prelude built itself (plain objects and arrays). The built-in serializer
 * is used unless a plugin put a `toJSON` on Object.prototype or Array.prototype, the only way it
 * could change that output; then (and for pretty printing) the prelude writes it itself.
 */
export function writeJson(value: Plain | undefined, indent = ''): string {
  if (indent === '' && !ObjectHasOwn(ObjectPrototype, 'toJSON') && !ObjectHasOwn(ArrayPrototype, 'toJSON')) {
    return value === undefined ? 'null' : JsonStringify(value)
  }
  return writeOwn(value, indent, 0)
}

function writeOwn(value: Plain | undefined, indent: string, depth: number): string {
  if (value === null || value === undefined) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      return NumberIsFinite(value) ? NumberToString(value) : 'null'
    case 'string':
      return JsonStringify(value)
  }
  const pad = indent === '' ? '' : `\n${repeat(indent, depth + 1)}`
  const end = indent === '' ? '' : `\n${repeat(indent, depth)}`
  const colon = indent === '' ? ':' : ': '
  let out = ''
  if (ArrayIsArray(value)) {
    for (let i = 0; i < value.length; i++) {
      out += (i === 0 ? '' : ',') + pad + writeOwn(value[i], indent, depth + 1)
    }
    return out === '' ? '[]' : `[${out}${end}]`
  }
  const keys = ObjectKeys(value)
  for (let i = 0; i < keys.length; i++) {
    const item = (value as Record<string, Plain | undefined>)[keys[i]!]
    if (item === undefined) continue
    out += (out === '' ? '' : ',') + pad + JsonStringify(keys[i]!) + colon + writeOwn(item, indent, depth + 1)
  }
  return out === '' ? '{}' : `{${out}${end}}`
}

function repeat(text: string, times: number): string {
  let out = ''
  for (let i = 0; i < times; i++) out += text
  return out
}

/** A deep copy, in ordinary objects, of JSON data (from the host or the prelude) for plugin code. */
export function cloneData<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (ArrayIsArray(value)) {
    const out: unknown[] = []
    for (let i = 0; i < value.length; i++) push(out, cloneData(value[i]))
    return out as T
  }
  const out: Record<string, unknown> = {}
  const keys = ObjectKeys(value)
  for (let i = 0; i < keys.length; i++)
    setKey(out, keys[i]!, cloneData((value as Record<string, unknown>)[keys[i]!]))
  return out as T
}

const MAX_DESCRIPTION = 2000
/** Characters of an object's strings a description reads (its JSON is cut to MAX_DESCRIPTION). */
const DESCRIBED_CHARS = 64 * 1024
/** Error messages and stacks as outcomes carry them. */
const MAX_THROWN_TEXT = 16 * 1024

/** A one-line text for any value, thrown or logged, without ever throwing. */
export function describe(value: unknown): string {
  try {
    switch (typeof value) {
      case 'string':
        return value.length > MAX_CUTTABLE ? `[a string of ${value.length} characters]` : value
      case 'function':
        return '[function]'
      case 'object':
        break
      default:
        return StringCtor(value)
    }
    if (value === null) return 'null'
    if (OrdinaryHasInstance(ErrorCtor, value)) {
      const name = (value as Error).name
      const message = (value as Error).message
      if (typeof message === 'string') {
        const text = typeof name === 'string' && name !== '' ? `${name}: ${message}` : message
        return bounded(text, MAX_DESCRIPTION, 'an error message')
      }
    }
    const plain = toPlain(value, 'describe', true, '', DESCRIBED_CHARS)
    if (plain === undefined) return '[unreadable object]'
    const text = writeJson(plain)
    return text.length > MAX_DESCRIPTION ? `${StringSlice(text, 0, MAX_DESCRIPTION)}…` : text
  } catch {
    return '[unprintable value]'
  }
}

/** Message and stack of whatever a handler threw. */
export function thrownInfo(thrown: unknown): { message: string; stack: string | null } {
  let stack: string | null = null
  let message: string | null = null
  let isError = false
  try {
    isError = thrown !== null && typeof thrown === 'object' && OrdinaryHasInstance(ErrorCtor, thrown)
  } catch {
    // a proxy's getPrototypeOf trap threw: not an error we can read
  }
  if (isError) {
    // Each read on its own: a poisoned `stack` (or Error.prepareStackTrace) must not cost the message.
    try {
      const candidate = (thrown as Error).stack
      if (typeof candidate === 'string') stack = candidate
    } catch {}
    try {
      const text = (thrown as Error).message
      if (typeof text === 'string') message = text
    } catch {}
  }
  return {
    message: bounded(message ?? describe(thrown), MAX_THROWN_TEXT, 'an error message'),
    stack: stack === null ? null : bounded(stack, MAX_THROWN_TEXT, 'a stack'),
  }
}
