/**
 * kong.db: one object per entity the running plugin may use (the core entities it may read, its
 * own entities), each method one host I/O request (`db`). Method names are Kong's in camelCase
 * (`select_by_key` → `selectByKey`, `page_for_consumer` → `pageForConsumer`); results are plain
 * copies. The host checks workspace, entity and method again: this only shapes the calls.
 */
import type { EntityInfo } from '../protocol.ts'
import { enter, type Frame } from './call.isolate.ts'
import { env } from './env.isolate.ts'
import { misuse } from './errors.isolate.ts'
import {
  ArrayIsArray,
  NumberIsFinite,
  ObjectFreeze,
  own,
  record,
  StringCharCodeAt,
  StringCtor,
  StringFromCharCode,
} from './intrinsics.isolate.ts'
import { requestIo } from './io.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { toPlain } from './values.isolate.ts'

type Method = (...args: unknown[]) => unknown

/** `custom_id` → `CustomId`: Kong's generated method suffixes in camelCase (names are [a-z0-9_]). */
function pascal(field: string): string {
  let out = ''
  let upper = true
  for (let i = 0; i < field.length; i++) {
    const code = StringCharCodeAt(field, i)
    if (code === 95) {
      upper = true
      continue
    }
    out += StringFromCharCode(upper && code >= 97 && code <= 122 ? code - 32 : code)
    upper = false
  }
  return out
}

/** Kong's `{ id = ... }` primary key; a bare id string is accepted too. */
function primaryKey(fn: string, value: unknown): { id: string } {
  if (typeof value === 'string') return { id: value }
  const id = own(value as object, 'id')
  if (typeof id !== 'string') throw misuse(fn, 'expected a primary key { id } (or an id string)')
  return { id }
}

function object(fn: string, what: string, value: unknown): unknown {
  const plain = toPlain(value, fn, false, what)
  if (plain === null || typeof plain !== 'object' || ArrayIsArray(plain)) {
    throw misuse(fn, `${what} must be an object`)
  }
  return plain
}

/** `{ size, offset }` and `{ ttl }` options: only the known keys travel. */
function options(fn: string, value: unknown, keys: readonly string[]): Record<string, unknown> {
  const out = record<unknown>()
  if (value === undefined || value === null) return out
  if (typeof value !== 'object') throw misuse(fn, 'options must be an object')
  for (const key of keys) {
    const option = own(value as object, key)
    if (option === undefined || option === null) continue
    if (typeof option !== 'string' && (typeof option !== 'number' || !NumberIsFinite(option))) {
      throw misuse(fn, `options.${key} must be a number or a string`)
    }
    out[key] = option
  }
  return out
}

/** Kong's cache key: `<entity>:<v1>:...:<v5>:<workspace id>` (dao:cache_key). */
export function cacheKeyOf(info: EntityInfo, fn: string, args: readonly unknown[]): string {
  const parts: string[] = []
  const first = args[0]
  if (first !== null && typeof first === 'object') {
    const fields = info.cacheKey ?? ['id']
    for (const field of fields) {
      let value = own(first as object, field)
      if (value !== null && typeof value === 'object') value = own(value as object, 'id')
      parts[parts.length] = value === undefined || value === null ? '' : StringCtor(value)
    }
  } else {
    for (let i = 0; i < 5; i++) {
      const value = args[i]
      if (value !== undefined && value !== null && typeof value === 'object') {
        throw misuse(fn, 'expected strings or numbers (or one entity)')
      }
      parts[i] = value === undefined || value === null ? '' : StringCtor(value)
    }
  }
  let key = info.name
  for (let i = 0; i < 5; i++) key += `:${parts[i] ?? ''}`
  return `${key}:${info.workspaceable ? env.workspace.id : ''}`
}

function entityObject(frame: Frame, info: EntityInfo): object {
  const name = info.name
  const writable = info.plugin !== null
  const methods = record<Method>()
  const call = (method: string, args: unknown[]): Promise<unknown> =>
    requestIo(frame, 'db', [name, method, ...args])
  const entered = (method: string): string => {
    const fn = `kong.db.${name}.${method}`
    enter(frame, fn, PHASES.data)
    return fn
  }
  methods.select = (pk: unknown) => call('select', [primaryKey(entered('select'), pk)])
  methods.page = (opts?: unknown) => {
    const fn = entered('page')
    return call('page', [options(fn, opts, ['size', 'offset'])])
  }
  for (const field of info.unique) {
    const method = `selectBy${pascal(field)}`
    methods[method] = (value: unknown) => {
      const fn = entered(method)
      if (typeof value !== 'string' && typeof value !== 'number')
        throw misuse(fn, `expected the ${field} value`)
      return call(method, [value])
    }
  }
  for (const field of info.foreign) {
    const method = `pageFor${pascal(field)}`
    methods[method] = (pk: unknown, opts?: unknown) => {
      const fn = entered(method)
      return call(method, [primaryKey(fn, pk), options(fn, opts, ['size', 'offset'])])
    }
  }
  if (writable) {
    methods.insert = (entity: unknown, opts?: unknown) => {
      const fn = entered('insert')
      return call('insert', [object(fn, 'the entity', entity), options(fn, opts, ['ttl'])])
    }
    methods.update = (pk: unknown, patch: unknown, opts?: unknown) => {
      const fn = entered('update')
      return call('update', [primaryKey(fn, pk), object(fn, 'the patch', patch), options(fn, opts, ['ttl'])])
    }
    methods.upsert = (pk: unknown, entity: unknown, opts?: unknown) => {
      const fn = entered('upsert')
      return call('upsert', [
        primaryKey(fn, pk),
        object(fn, 'the entity', entity),
        options(fn, opts, ['ttl']),
      ])
    }
    methods.delete = (pk: unknown) => call('delete', [primaryKey(entered('delete'), pk)])
  }
  methods.cacheKey = (...args: unknown[]) => {
    const fn = `kong.db.${name}.cacheKey`
    enter(frame, fn, PHASES.any)
    return cacheKeyOf(info, fn, args)
  }
  return ObjectFreeze(methods)
}

/** The entities the frame's plugin may use: core ones (read-only) and its own. */
export function dbModule(frame: Frame): object {
  const db = record<object>()
  for (const info of env.entities) {
    if (info.plugin === null || info.plugin === frame.plugin) db[info.name] = entityObject(frame, info)
  }
  return ObjectFreeze(db)
}
