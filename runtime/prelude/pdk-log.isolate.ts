/**
 * kong.log: `kong.log(...)` (notice) and one function per level. Lines are collected into the
 * plugin's outcome; arguments are concatenated as Kong does (strings as they are, tables — here
 * objects — as JSON), kong.log.inspect pretty-prints them space-separated.
 */
import { addLog, enter, type Frame } from './call.isolate.ts'
import { misuse } from './errors.isolate.ts'
import {
  ErrorCtor,
  JsonStringify,
  ObjectFreeze,
  ObjectHasOwn,
  OrdinaryHasInstance,
  ProxyCtor,
  push,
  ReflectGet,
  SetAdd,
  SetCtor,
  SetDelete,
  SetHas,
} from './intrinsics.isolate.ts'
import { PHASES } from './phases.isolate.ts'
import { serialize } from './serialize.isolate.ts'
import { describe, toPlain, writeJson } from './values.isolate.ts'

/** Plugins whose kong.log.inspect is switched off (kong.log.inspect.off()), per isolate. */
const inspectOff = new SetCtor<string>()

/** Past this, later arguments are not rendered (the line is cut to 8192 characters anyway). */
const LINE_CHARS = 16 * 1024

function text(args: readonly unknown[]): string {
  let out = ''
  for (let i = 0; i < args.length && out.length <= LINE_CHARS; i++) out += describe(args[i])
  return out
}

function pretty(value: unknown): string {
  if (typeof value === 'string') return value.length > LINE_CHARS ? describe(value) : JsonStringify(value)
  if (value === null || typeof value !== 'object' || safeIsError(value)) return describe(value)
  try {
    return writeJson(toPlain(value, 'kong.log.inspect', true, '', LINE_CHARS) ?? null, '  ')
  } catch {
    return describe(value)
  }
}

function safeIsError(value: unknown): boolean {
  try {
    return OrdinaryHasInstance(ErrorCtor, value)
  } catch {
    return false
  }
}

const SERIALIZE_VALUE_ERROR =
  'value must be nil, a number, string, boolean or a non-self-referencial table containing numbers, string and booleans'

/** Shared, frozen targets of the callables below (a proxy's target must outlive its checks). */
const LOG_TARGET = ObjectFreeze(function log() {})
const INSPECT_TARGET = ObjectFreeze(function inspect() {})

/**
 * A function with methods (`kong.log(...)`, `kong.log.err(...)`). Built as a proxy over a shared
 * frozen function: defining a dozen properties on a fresh function per handler call is slow.
 */
function callable(
  target: () => void,
  call: (args: unknown[]) => void,
  methods: Record<string, unknown>,
): object {
  return new ProxyCtor(target, {
    apply: (_target, _self, args: unknown[]) => call(args),
    get: (inner, key) =>
      typeof key === 'string' && ObjectHasOwn(methods, key) ? methods[key] : ReflectGet(inner, key),
    has: (inner, key) => (typeof key === 'string' && ObjectHasOwn(methods, key)) || key in inner,
  })
}

export function logModule(frame: Frame): object {
  const line = (fn: string, level: string, args: unknown[]): void => {
    enter(frame, fn, PHASES.any)
    addLog(frame, level, text(args))
  }
  const level =
    (name: string) =>
    (...args: unknown[]): void =>
      line(`kong.log.${name}`, name, args)
  const inspect = (args: unknown[]): void => {
    enter(frame, 'kong.log.inspect', PHASES.any)
    if (SetHas(inspectOff, frame.plugin)) return
    let out = ''
    for (let i = 0; i < args.length && out.length <= LINE_CHARS; i++)
      out += (i === 0 ? '' : ' ') + pretty(args[i])
    addLog(frame, 'notice', out)
  }
  const inspectSwitches = {
    on: (): void => {
      enter(frame, 'kong.log.inspect.on', PHASES.any)
      SetDelete(inspectOff, frame.plugin)
    },
    off: (): void => {
      enter(frame, 'kong.log.inspect.off', PHASES.any)
      SetAdd(inspectOff, frame.plugin)
    },
  }
  const methods: Record<string, unknown> = {
    debug: level('debug'),
    info: level('info'),
    notice: level('notice'),
    warn: level('warn'),
    err: level('err'),
    crit: level('crit'),
    alert: level('alert'),
    emerg: level('emerg'),
    inspect: callable(INSPECT_TARGET, inspect, inspectSwitches),
    deprecation: (...args: unknown[]): void => line('kong.log.deprecation', 'warn', args),
    serialize: (): Record<string, unknown> => {
      enter(frame, 'kong.log.serialize', PHASES.log)
      return serialize(frame.call.request!)
    },
    setSerializeValue: (key: unknown, value: unknown, options?: unknown): void =>
      setSerializeValue(frame, key, value, options),
  }
  return callable(LOG_TARGET, (args) => line('kong.log', 'notice', args), methods)
}

function setSerializeValue(frame: Frame, key: unknown, value: unknown, options: unknown): void {
  const fn = 'kong.log.setSerializeValue'
  enter(frame, fn, PHASES.request)
  if (typeof key !== 'string') throw misuse(fn, 'key must be a string')
  let mode: unknown = 'set'
  if (options !== null && typeof options === 'object' && ObjectHasOwn(options, 'mode')) {
    mode = (options as { mode?: unknown }).mode ?? 'set'
  }
  if (mode !== 'set' && mode !== 'add' && mode !== 'replace') {
    throw misuse(fn, "mode must be 'set', 'add' or 'replace'")
  }
  if (
    value !== undefined &&
    value !== null &&
    typeof value !== 'object' &&
    typeof value !== 'string' &&
    typeof value !== 'number' &&
    typeof value !== 'boolean'
  ) {
    throw misuse(fn, SERIALIZE_VALUE_ERROR)
  }
  const plain = toPlain(value, fn, false, `${SERIALIZE_VALUE_ERROR}: `)
  push(frame.call.request!.serializeValues, { key, value: plain, mode })
}
