import { type PhaseName, REQUEST_PHASES, type RequestPhase } from '../../runtime/protocol.ts'
import type { CatalogPlugin, ChainEntry, PhaseNeeds, RouteChain } from '../plugins/index.ts'

/** What a route's chain needs from the proxy: from the phases its configurations need. */
export interface ChainFlags {
  /** Some configuration needs some request phase: without it the request costs no plugin work. */
  any: boolean
  buffered: boolean
  headerFilter: boolean
  bodyFilter: boolean
  /** Some configuration needs `log`: only then are log facts built (response headers copied). */
  log: boolean
}

const BITS: Readonly<Record<RequestPhase, number>> = {
  rewrite: 1,
  access: 2,
  response: 4,
  headerFilter: 8,
  bodyFilter: 16,
  log: 32,
}
const REQUEST_NAMES: ReadonlySet<string> = new Set(REQUEST_PHASES)
/** The most names an answer may list (there are six request phases; repeats are harmless). */
const MAX_NAMES = 16
/** Configurations named in one warning line. */
const NAMED = 5

/** The request phases a handler implements, as bits (cached per catalog plugin). */
const handlerBitsCache = new WeakMap<CatalogPlugin, number>()
function handlerBits(plugin: CatalogPlugin): number {
  let bits = handlerBitsCache.get(plugin)
  if (bits === undefined) {
    bits = 0
    for (const phase of plugin.phases) if (REQUEST_NAMES.has(phase)) bits |= BITS[phase as RequestPhase]
    handlerBitsCache.set(plugin, bits)
  }
  return bits
}

/** One warning line's fields: the refused answers (the first few) and how many there were. */
export interface PhaseWarning {
  plugin: string
  refused: { config: string; detail: string }[]
  count: number
}

/**
 * The request phases each configuration needs, as its plugin's `phases(config)` answered in the
 * configure crossing, checked here: only request phase names the handler implements. Keyed by the
 * config object (snapshots rebuild them, so a changed configuration is asked again); one not
 * answered yet needs every phase its handler has (today's rule, and a handler without `phases`).
 */
export class LearnedPhases implements PhaseNeeds {
  /** Bumped whenever a configuration's set changes (chain flags are recomputed then). */
  version = 0
  private readonly bits = new WeakMap<object, number>()

  needs(entry: ChainEntry, phase: PhaseName): boolean {
    if (!entry.plugin.phases.includes(phase)) return false
    const bit = BITS[phase as RequestPhase]
    if (bit === undefined) return true
    const known = this.bits.get(entry.instance.config)
    return known === undefined || (known & bit) !== 0
  }

  /** The request phases a configuration needs, as bits (every handler phase until learned). */
  private bitsOf(plugin: CatalogPlugin, config: object): number {
    return handlerBits(plugin) & (this.bits.get(config) ?? ~0)
  }

  /**
   * Takes a configure answer's `phases` (unchecked, as parsed) for `configs`. A configuration
   * whose answer is not a list of the handler's request phases needs all of them; the returned
   * warning (one per answer) names it.
   */
  learn(
    plugin: CatalogPlugin,
    configs: Readonly<Record<string, object>>,
    answer: unknown,
  ): PhaseWarning | null {
    const all = handlerBits(plugin)
    const refused: PhaseWarning['refused'] = []
    let count = 0
    const sets = answer === undefined ? null : isRecord(answer) ? answer : 'not an object'
    for (const [id, config] of Object.entries(configs)) {
      let bits = all
      if (sets !== null) {
        const checked =
          typeof sets === 'string' ? sets : checkList(plugin, Object.hasOwn(sets, id) ? sets[id] : undefined)
        if (typeof checked === 'number') bits = checked
        else if (count++ < NAMED) refused.push({ config: id, detail: checked })
      }
      if (this.bits.get(config) !== bits) {
        this.bits.set(config, bits)
        this.version++
      }
    }
    return count === 0 ? null : { plugin: plugin.name, refused, count }
  }

  /** What the proxy must do for a route, from every instance that may run there. */
  flagsOf(chain: RouteChain): ChainFlags {
    let bits = 0
    for (const candidate of chain.candidates) {
      const seen = new Set<object>()
      const take = (instance: { config: object } | null) => {
        if (instance === null || seen.has(instance.config)) return
        seen.add(instance.config)
        bits |= this.bitsOf(candidate.plugin, instance.config)
      }
      for (const choice of [candidate.base, candidate.global, ...candidate.consumers.values()]) {
        take(choice.http)
        take(choice.https)
      }
    }
    return {
      any: bits !== 0,
      buffered: (bits & BITS.response) !== 0,
      headerFilter: (bits & BITS.headerFilter) !== 0,
      bodyFilter: (bits & BITS.bodyFilter) !== 0,
      log: (bits & BITS.log) !== 0,
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** One configuration's answer as bits, or why it is refused. */
function checkList(plugin: CatalogPlugin, value: unknown): number | string {
  if (typeof value === 'string') return value.length > 500 ? `${value.slice(0, 500)}…` : value
  if (!Array.isArray(value)) return 'no list of phase names for this configuration'
  if (value.length > MAX_NAMES) return `the list has ${value.length} names, more than ${MAX_NAMES}`
  let bits = 0
  for (const name of value) {
    if (typeof name !== 'string' || !REQUEST_NAMES.has(name))
      return `${typeof name === 'string' ? JSON.stringify(name.slice(0, 40)) : `a ${typeof name}`} is not a request phase (${REQUEST_PHASES.join(', ')})`
    if (!plugin.phases.includes(name as PhaseName)) return `the handler has no ${name} method`
    bits |= BITS[name as RequestPhase]
  }
  return bits
}
