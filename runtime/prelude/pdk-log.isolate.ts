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
import { bindFrame, entered, FrameBound, frameOf } from './pdk-bound.isolate.ts'
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

function line(self: unknown, fn: string, level: string, args: unknown[]): void {
  const frame = entered(self, fn, PHASES.any)
  addLog(frame, level, text(args))
}

function inspect(frame: Frame, args: unknown[]): void {
  enter(frame, 'kong.log.inspect', PHASES.any)
  if (SetHas(inspectOff, frame.plugin)) return
  let out = ''
  for (let i = 0; i < args.length && out.length <= LINE_CHARS; i++)
    out += (i === 0 ? '' : ' ') + pretty(args[i])
  addLog(frame, 'notice', out)
}

/**
 * kong.log's and kong.log.inspect's methods, made once per isolate. Called as `kong.log.err(...)`
 * their `this` is the callable, which carries the frame's slot (pdk-bound).
 */
const LOG_METHODS: Record<string, unknown> = ObjectFreeze({
  debug(...args: unknown[]): void {
    line(this, 'kong.log.debug', 'debug', args)
  },
  info(...args: unknown[]): void {
    line(this, 'kong.log.info', 'info', args)
  },
  notice(...args: unknown[]): void {
    line(this, 'kong.log.notice', 'notice', args)
  },
  warn(...args: unknown[]): void {
    line(this, 'kong.log.warn', 'warn', args)
  },
  err(...args: unknown[]): void {
    line(this, 'kong.log.err', 'err', args)
  },
  crit(...args: unknown[]): void {
    line(this, 'kong.log.crit', 'crit', args)
  },
  alert(...args: unknown[]): void {
    line(this, 'kong.log.alert', 'alert', args)
  },
  emerg(...args: unknown[]): void {
    line(this, 'kong.log.emerg', 'emerg', args)
  },
  /** Stands for the per-call kong.log.inspect callable (made by LogTraps.get). */
  inspect: null,
  deprecation(...args: unknown[]): void {
    line(this, 'kong.log.deprecation', 'warn', args)
  },
  serialize(): Record<string, unknown> {
    return serialize(entered(this, 'kong.log.serialize', PHASES.log).call.request!)
  },
  setSerializeValue(key: unknown, value: unknown, options?: unknown): void {
    setSerializeValue(frameOf(this, 'kong.log.setSerializeValue'), key, value, options)
  },
})

const INSPECT_METHODS: Record<string, unknown> = ObjectFreeze({
  on(): void {
    SetDelete(inspectOff, entered(this, 'kong.log.inspect.on', PHASES.any).plugin)
  },
  off(): void {
    SetAdd(inspectOff, entered(this, 'kong.log.inspect.off', PHASES.any).plugin)
  },
})

function ownKey(methods: Record<string, unknown>, key: string | symbol): key is string {
  return typeof key === 'string' && ObjectHasOwn(methods, key)
}

/**
 * The proxy handler of one handler call's kong.log: a function with methods, made as a proxy over
 * a shared frozen function (defining a dozen properties on a fresh function per call is slow).
 * Its traps are on the frozen prototype; the instance carries the frame and the inspect callable.
 */
class LogTraps extends FrameBound {
  #inspect?: object

  apply(_target: unknown, _self: unknown, args: unknown[]): void {
    line(this, 'kong.log', 'notice', args)
  }
  get(target: object, key: string | symbol): unknown {
    if (!ownKey(LOG_METHODS, key)) return ReflectGet(target, key)
    if (key !== 'inspect') return LOG_METHODS[key]
    this.#inspect ??= callable(INSPECT_TARGET, new InspectTraps(frameOf(this, 'kong.log.inspect')))
    return this.#inspect
  }
  has(target: object, key: string | symbol): boolean {
    return ownKey(LOG_METHODS, key) || key in target
  }
}
ObjectFreeze(LogTraps.prototype)
ObjectFreeze(LogTraps)

class InspectTraps extends FrameBound {
  apply(_target: unknown, _self: unknown, args: unknown[]): void {
    inspect(frameOf(this, 'kong.log.inspect'), args)
  }
  get(target: object, key: string | symbol): unknown {
    return ownKey(INSPECT_METHODS, key) ? INSPECT_METHODS[key] : ReflectGet(target, key)
  }
  has(target: object, key: string | symbol): boolean {
    return ownKey(INSPECT_METHODS, key) || key in target
  }
}
ObjectFreeze(InspectTraps.prototype)
ObjectFreeze(InspectTraps)

/** A proxy over `target` whose traps are `traps`, carrying the same frame slot (for its methods). */
function callable(target: () => void, traps: LogTraps | InspectTraps): object {
  return bindFrame(new ProxyCtor(target, traps as ProxyHandler<() => void>), frameOf(traps, 'kong.log'))
}

export function logModule(frame: Frame): object {
  return callable(LOG_TARGET, new LogTraps(frame))
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
