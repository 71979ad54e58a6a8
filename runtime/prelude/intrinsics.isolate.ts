/**
 * Built-ins captured when the prelude starts, before any plugin code runs. Plugin code may later
 * replace globals or prototype methods (`JSON.stringify = ...`, `Array.prototype.push = null`);
 * the prelude only ever calls these copies, uncurried so `Function.prototype.call` can be
 * replaced too. Objects the prelude builds get their properties by definition (never by
 * assignment), so setters a plugin puts on `Object.prototype` or `Array.prototype` are not run.
 */

const FunctionCall = Function.prototype.call
const FunctionBind = Function.prototype.bind

export const ReflectApply = Reflect.apply
export const ReflectDefineProperty = Reflect.defineProperty
export const ReflectOwnKeys = Reflect.ownKeys
export const ReflectGetPrototypeOf = Reflect.getPrototypeOf
export const ReflectDeleteProperty = Reflect.deleteProperty
export const ReflectGet = Reflect.get

/** `fn.call` as a plain function: `uncurry(String.prototype.slice)(text, 1, 2)`. */
function uncurry<This, Args extends unknown[], Result>(
  fn: (this: This, ...args: Args) => Result,
): (self: This, ...args: Args) => Result {
  return ReflectApply(FunctionBind, FunctionCall, [fn]) as (self: This, ...args: Args) => Result
}

export const ObjectPrototype = Object.prototype
export const ArrayPrototype = Array.prototype
export const ObjectKeys = Object.keys
export const ObjectFreeze = Object.freeze
export const ObjectHasOwn = Object.hasOwn
export const ObjectCreate = Object.create
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor
export const ArrayIsArray = Array.isArray
export const JsonParse = JSON.parse
export const JsonStringify = JSON.stringify
export const MathFloor = Math.floor
export const DateNow = Date.now
export const MathMin = Math.min
export const MathMax = Math.max
export const MathRandom = Math.random
export const NumberIsInteger = Number.isInteger
export const NumberIsFinite = Number.isFinite
export const NumberParseInt = Number.parseInt
export const StringCtor = String
export const StringFromCharCode = String.fromCharCode
export const ErrorCtor = Error
export const PromiseCtor = Promise
/** Promise.resolve without the (replaceable) static: a settled promise of plain data. */
export const PromiseResolve = <T>(value: T): Promise<T> => new PromiseCtor<T>((resolve) => resolve(value))
export const ProxyCtor = Proxy
export const MapCtor = Map
export const SetCtor = Set
export const Uint8ArrayCtor = Uint8Array

export const StringSlice = uncurry(String.prototype.slice)
export const StringIndexOf = uncurry(String.prototype.indexOf)
export const StringLastIndexOf = uncurry(String.prototype.lastIndexOf)
export const StringToLowerCase = uncurry(String.prototype.toLowerCase)
export const StringCharCodeAt = uncurry(String.prototype.charCodeAt)
export const StringCodePointAt = uncurry(String.prototype.codePointAt)
export const StringTrim = uncurry(String.prototype.trim)
export const NumberToString = uncurry(Number.prototype.toString)
export const RegExpExec = uncurry(RegExp.prototype.exec) as (
  re: RegExp,
  text: string,
) => RegExpExecArray | null
export const ArraySort = uncurry(Array.prototype.sort) as <T>(
  list: T[],
  compare: (a: T, b: T) => number,
) => T[]
export const MapGet = uncurry(Map.prototype.get) as <K, V>(map: Map<K, V>, key: K) => V | undefined
export const MapSet = uncurry(Map.prototype.set) as <K, V>(map: Map<K, V>, key: K, value: V) => Map<K, V>
export const MapHas = uncurry(Map.prototype.has) as <K, V>(map: Map<K, V>, key: K) => boolean
export const MapDelete = uncurry(Map.prototype.delete) as <K, V>(map: Map<K, V>, key: K) => boolean
export const MapForEach = uncurry(Map.prototype.forEach) as <K, V>(
  map: Map<K, V>,
  each: (value: V, key: K) => void,
) => void
export const SetAdd = uncurry(Set.prototype.add) as <T>(set: Set<T>, value: T) => Set<T>
export const SetHas = uncurry(Set.prototype.has) as <T>(set: Set<T>, value: T) => boolean
export const SetDelete = uncurry(Set.prototype.delete) as <T>(set: Set<T>, value: T) => boolean
export const OrdinaryHasInstance = uncurry(Function.prototype[Symbol.hasInstance]) as (
  ctor: unknown,
  value: unknown,
) => boolean

const typedArrayProto = ReflectGetPrototypeOf(Uint8Array.prototype) as object
const typedArrayTag = ObjectGetOwnPropertyDescriptor(typedArrayProto, Symbol.toStringTag)!.get!
const byteLengthOf = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!
const typedLength = ObjectGetOwnPropertyDescriptor(typedArrayProto, 'length')!.get!

/** A Uint8Array's length without the (patchable) prototype getter. */
export function bytesLength(bytes: Uint8Array): number {
  return ReflectApply(typedLength, bytes, []) as number
}

/** True only for a real Uint8Array (internal slot check: proxies and look-alikes fail). */
export function isUint8Array(value: unknown): value is Uint8Array {
  return ReflectApply(typedArrayTag, value, []) === 'Uint8Array'
}

/** True only for a real ArrayBuffer (not a SharedArrayBuffer, not a look-alike). */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  try {
    ReflectApply(byteLengthOf, value, [])
    return true
  } catch {
    return false
  }
}

const ArrayPush = uncurry(Array.prototype.push) as <T>(list: T[], value: T) => number

/** Appends with the original `Array.prototype.push` (a plugin may replace the global one). */
export function push<T>(list: T[], value: T): void {
  ArrayPush(list, value)
}

/** Sets an own data property (also for `__proto__` and names with prototype setters). */
export function define(target: object, key: string, value: unknown): void {
  ReflectDefineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
}

/**
 * Sets a key on an ordinary object that plugin code will see (a copy made for it). Assignment is
 * ten times faster than definition; only `__proto__` needs defining. A setter a plugin put on
 * Object.prototype can intercept it, but it only ever changes that plugin's own view.
 */
export function setKey(target: object, key: string, value: unknown): void {
  if (key === '__proto__') define(target, key, value)
  else (target as Record<string, unknown>)[key] = value
}

/** An own property's value, or undefined: never reaches the prototype chain. */
export function own(target: object | null | undefined, key: string): unknown {
  if (target === null || target === undefined || !ObjectHasOwn(target, key)) return undefined
  return (target as Record<string, unknown>)[key]
}

/**
 * A prototype-less record: for the prelude's bookkeeping and for data bound for the host, where
 * plain assignment is both fast and safe (no prototype, so no setters and no `__proto__` magic).
 */
export function record<T>(): Record<string, T> {
  return ObjectCreate(null) as Record<string, T>
}

/** Joins strings without `Array.prototype.join`. */
export function join(parts: readonly string[], separator: string): string {
  let out = ''
  for (let i = 0; i < parts.length; i++) out += i === 0 ? parts[i] : separator + parts[i]
  return out
}
