/**
 * The plugins this isolate holds (several share one isolate in `isolation = workspace`): each
 * bundle leaves `globalThis.__isogatePlugin`, which `adopt` moves here under the plugin's name.
 */
import { PHASE_NAMES, type PhaseName } from '../protocol.ts'
import {
  ArrayIsArray,
  ErrorCtor,
  MapCtor,
  MapForEach,
  MapGet,
  MapSet,
  OrdinaryHasInstance,
  push,
  ReflectApply,
  ReflectDeleteProperty,
  record,
} from './intrinsics.isolate.ts'
import { describe, toPlain, writeJson } from './values.isolate.ts'

export interface PluginEntry {
  name: string
  /** The handler object as the plugin exported it (its methods are read when called). */
  handler: object
  schema: unknown
  /** api.ts's export: route → method → handler (null without api.ts). */
  api: unknown
  /** Configs by id (plugin entity id), from the last `configure`. */
  configs: Map<string, unknown>
  /** The id of the only config, when there is exactly one (what a call's '' names). */
  soleConfig: string | null
}

const GLOBAL = '__isogatePlugin'

export const PHASE_METHODS: readonly PhaseName[] = PHASE_NAMES

const plugins = new MapCtor<string, PluginEntry>()

export function findPlugin(name: string): PluginEntry | undefined {
  return MapGet(plugins, name)
}

function read(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}

export function adopt(name: unknown): void {
  if (typeof name !== 'string' || name === '')
    throw new ErrorCtor('adopt: the plugin name must be a non-empty string')
  const holder = globalThis as unknown as Record<string, unknown>
  const bundle = read(holder, GLOBAL)
  // A bundle's `var` makes a non-configurable global: clear what cannot be deleted.
  if (!ReflectDeleteProperty(holder, GLOBAL)) {
    try {
      holder[GLOBAL] = undefined
    } catch {
      // a getter-only global left by the bundle: nothing more can be done
    }
  }
  if (bundle === null || (typeof bundle !== 'object' && typeof bundle !== 'function')) {
    throw new ErrorCtor(`plugin ${name}: the bundle did not set globalThis.${GLOBAL}`)
  }
  const handler = read(bundle, 'handler')
  if (handler === null || (typeof handler !== 'object' && typeof handler !== 'function')) {
    throw new ErrorCtor(`plugin ${name}: the bundle has no handler object`)
  }
  const previous = MapGet(plugins, name)
  MapSet(plugins, name, {
    name,
    handler,
    schema: read(bundle, 'schema'),
    api: read(bundle, 'api') ?? null,
    configs: previous ? previous.configs : new MapCtor(),
    soleConfig: previous ? previous.soleConfig : null,
  })
}

/** `{ priority, version, phases, schema }` as JSON, copied without validation (the host checks). */
export function meta(name: unknown): string {
  const plugin = typeof name === 'string' ? MapGet(plugins, name) : undefined
  if (!plugin)
    throw new ErrorCtor(`meta: no plugin named ${typeof name === 'string' ? name : '?'} was adopted`)
  const copy = (value: unknown) => {
    try {
      return toPlain(value, 'meta', true) ?? null
    } catch {
      return null
    }
  }
  const phases: string[] = []
  for (let i = 0; i < PHASE_METHODS.length; i++) {
    if (typeof read(plugin.handler, PHASE_METHODS[i]!) === 'function') push(phases, PHASE_METHODS[i]!)
  }
  return writeJson({
    priority: copy(read(plugin.handler, 'priority')),
    version: copy(read(plugin.handler, 'version')),
    phases,
    schema: copy(plugin.schema),
  })
}

/** At most this many names in one `phases(config)` answer, each at most this long. */
const MAX_PHASE_NAMES = 16
const MAX_PHASE_NAME = 32

/**
 * The handler's `phases(config)` for each configuration (PhaseResult.phases), or null when the
 * handler has no `phases`. Runs plugin code under the configure crossing's timeout; a list comes
 * back as copied strings (the host checks the names), anything else as the text saying why.
 */
export function phaseSets(plugin: PluginEntry): Record<string, string[] | string> | null {
  let declare: unknown
  try {
    declare = (plugin.handler as Record<string, unknown>)['phases']
  } catch (error) {
    declare = new ErrorCtor(`reading phases threw: ${describe(error)}`)
  }
  if (declare === undefined) return null
  const sets = record<string[] | string>()
  MapForEach(plugin.configs, (config, id) => {
    sets[id] =
      typeof declare === 'function'
        ? phaseList(declare as () => unknown, plugin.handler, config)
        : notAList(declare)
  })
  return sets
}

function notAList(declare: unknown): string {
  return OrdinaryHasInstance(ErrorCtor, declare) ? describe(declare) : 'phases is not a function'
}

function phaseList(
  declare: (...args: never) => unknown,
  handler: object,
  config: unknown,
): string[] | string {
  try {
    const answer: unknown = ReflectApply(declare, handler, [config])
    if (!ArrayIsArray(answer)) return `phases(config) returned ${kindOf(answer)}, not a list of phase names`
    const length = answer.length
    if (length > MAX_PHASE_NAMES)
      return `phases(config) returned ${length} names, more than ${MAX_PHASE_NAMES}`
    const names: string[] = []
    for (let i = 0; i < length; i++) {
      const name: unknown = answer[i]
      if (typeof name !== 'string' || name.length > MAX_PHASE_NAME)
        return `phases(config)[${i}] is not a phase name: ${describe(name)}`
      push(names, name)
    }
    return names
  } catch (error) {
    // Thrown by phases itself, or by a proxy or getter it returned.
    return `phases(config) threw: ${describe(error)}`
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function')
    return 'a promise'
  return `a ${typeof value}`
}
