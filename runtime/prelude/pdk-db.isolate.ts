/**
 * kong.db: one object per entity the running plugin may use (the core entities it may read, its
 * own entities), each method one host I/O request (`db`). Method names are Kong's in camelCase
 * (`select_by_key` → `selectByKey`, `page_for_consumer` → `pageForConsumer`); results are plain
 * copies. The host checks workspace, entity and method again: this only shapes the calls.
 */
import type { EntityInfo } from '../protocol.ts'
import type { Frame } from './call.isolate.ts'
import { env } from './env.isolate.ts'
import { misuse } from './errors.isolate.ts'
import {
  ArrayIsArray,
  MapCtor,
  MapGet,
  MapSet,
  NumberIsFinite,
  ObjectCreate,
  ObjectFreeze,
  own,
  ProxyCtor,
  ReflectDefineProperty,
  record,
  StringCharCodeAt,
  StringCtor,
  StringFromCharCode,
} from './intrinsics.isolate.ts'
import { requestIo } from './io.isolate.ts'
import { bindFrame, entered as enteredFrame, FrameBound, frameOf } from './pdk-bound.isolate.ts'
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

/**
 * The methods of one entity, made once per isolate: a frozen prototype-less object whose methods
 * act for the frame of the handle they are called on (a per-call object inheriting from it).
 */
function entityMethods(info: EntityInfo): object {
  const name = info.name
  const methods = record<Method>()
  const fnOf = (method: string): string => `kong.db.${name}.${method}`
  const call = (frame: Frame, method: string, args: unknown[]): Promise<unknown> =>
    requestIo(frame, 'db', [name, method, ...args])
  const select = fnOf('select')
  methods.select = function (this: unknown, pk: unknown) {
    return call(enteredFrame(this, select, PHASES.data), 'select', [primaryKey(select, pk)])
  }
  const page = fnOf('page')
  methods.page = function (this: unknown, opts?: unknown) {
    return call(enteredFrame(this, page, PHASES.data), 'page', [options(page, opts, ['size', 'offset'])])
  }
  for (let i = 0; i < info.unique.length; i++) {
    const field = info.unique[i]!
    const method = `selectBy${pascal(field)}`
    const fn = fnOf(method)
    methods[method] = function (this: unknown, value: unknown) {
      const frame = enteredFrame(this, fn, PHASES.data)
      if (typeof value !== 'string' && typeof value !== 'number')
        throw misuse(fn, `expected the ${field} value`)
      return call(frame, method, [value])
    }
  }
  for (let i = 0; i < info.foreign.length; i++) {
    const method = `pageFor${pascal(info.foreign[i]!)}`
    const fn = fnOf(method)
    methods[method] = function (this: unknown, pk: unknown, opts?: unknown) {
      const frame = enteredFrame(this, fn, PHASES.data)
      return call(frame, method, [primaryKey(fn, pk), options(fn, opts, ['size', 'offset'])])
    }
  }
  if (info.plugin !== null) {
    const insert = fnOf('insert')
    methods.insert = function (this: unknown, entity: unknown, opts?: unknown) {
      const frame = enteredFrame(this, insert, PHASES.data)
      return call(frame, 'insert', [object(insert, 'the entity', entity), options(insert, opts, ['ttl'])])
    }
    const update = fnOf('update')
    methods.update = function (this: unknown, pk: unknown, patch: unknown, opts?: unknown) {
      const frame = enteredFrame(this, update, PHASES.data)
      return call(frame, 'update', [
        primaryKey(update, pk),
        object(update, 'the patch', patch),
        options(update, opts, ['ttl']),
      ])
    }
    const upsert = fnOf('upsert')
    methods.upsert = function (this: unknown, pk: unknown, entity: unknown, opts?: unknown) {
      const frame = enteredFrame(this, upsert, PHASES.data)
      return call(frame, 'upsert', [
        primaryKey(upsert, pk),
        object(upsert, 'the entity', entity),
        options(upsert, opts, ['ttl']),
      ])
    }
    const remove = fnOf('delete')
    methods.delete = function (this: unknown, pk: unknown) {
      return call(enteredFrame(this, remove, PHASES.data), 'delete', [primaryKey(remove, pk)])
    }
  }
  const cacheKey = fnOf('cacheKey')
  methods.cacheKey = function (this: unknown, ...args: unknown[]) {
    enteredFrame(this, cacheKey, PHASES.any)
    return cacheKeyOf(info, cacheKey, args)
  }
  return ObjectFreeze(methods)
}

/**
 * The per-call half of kong.db: its frame (FrameBound) and the entity handles made so far. It is
 * put on a proxy (no traps, a frozen prototype-less handler) over the plugin's table of entities.
 */
class DbSlot extends FrameBound {
  readonly #entities = record<object>()

  /** `kong.db.<name>` for the call `self` belongs to: made on first use, then the same object. */
  static entity(self: unknown, info: EntityInfo): object {
    const fn = `kong.db.${info.name}`
    const frame = frameOf(self, fn)
    if (!(#entities in (self as object))) throw misuse(fn, 'read it as kong.db.<entity>')
    const entities = (self as DbSlot).#entities
    let handle = entities[info.name]
    if (handle === undefined) {
      handle = bindFrame(ObjectCreate(methodsOf(info)), frame)
      entities[info.name] = handle
    }
    return handle
  }
}
ObjectFreeze(DbSlot.prototype)
ObjectFreeze(DbSlot)

/** No traps: every operation goes to the frozen table (so kong.db is frozen and lists its entities). */
const NO_TRAPS = ObjectFreeze(record<never>())

/** Built for this `env.entities` (init sends them once; a new list starts over). */
let builtFor: EntityInfo[] | null = null
let methodsByEntity = new MapCtor<string, object>()
let tablesByPlugin = new MapCtor<string, object>()

function fresh(): void {
  if (builtFor === env.entities) return
  builtFor = env.entities
  methodsByEntity = new MapCtor()
  tablesByPlugin = new MapCtor()
}

function methodsOf(info: EntityInfo): object {
  let methods = MapGet(methodsByEntity, info.name)
  if (methods === undefined) {
    methods = entityMethods(info)
    MapSet(methodsByEntity, info.name, methods)
  }
  return methods
}

/**
 * The plugin's table, made once per isolate: one enumerable getter per entity it may use (the core
 * ones, read-only, and its own), frozen. A getter reads the call's handle off the proxy it is read
 * through.
 */
function tableOf(plugin: string): object {
  let table = MapGet(tablesByPlugin, plugin)
  if (table !== undefined) return table
  table = record<never>()
  for (let i = 0; i < env.entities.length; i++) {
    const info = env.entities[i]!
    if (info.plugin !== null && info.plugin !== plugin) continue
    ReflectDefineProperty(table, info.name, {
      get(this: unknown) {
        return DbSlot.entity(this, info)
      },
      enumerable: true,
      configurable: false,
    })
  }
  ObjectFreeze(table)
  MapSet(tablesByPlugin, plugin, table)
  return table
}

/** kong.db for one handler call: a proxy over the plugin's table carrying the call's slot. */
export function dbModule(frame: Frame): object {
  fresh()
  const db = new ProxyCtor(tableOf(frame.plugin), NO_TRAPS)
  new DbSlot(frame, db)
  return db
}
