/**
 * The plugins this isolate holds (several share one isolate in `isolation = workspace`): each
 * bundle leaves `globalThis.__isogatePlugin`, which `adopt` moves here under the plugin's name.
 */
import { PHASE_NAMES, type PhaseName } from '../protocol.ts'
import { ErrorCtor, MapCtor, MapGet, MapSet, push, ReflectDeleteProperty } from './intrinsics.isolate.ts'
import { toPlain, writeJson } from './values.isolate.ts'

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
