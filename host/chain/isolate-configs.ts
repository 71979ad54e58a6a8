import { type IsolateError, type IsolateHandle, isIsolateError } from '../../runtime/isolate/index.ts'
import type { PhaseName } from '../../runtime/protocol.ts'
import type { ChainEntry, PluginCatalog } from '../plugins/index.ts'
import type { GroupCrossing, PlanGroup } from './call-plan.ts'
import type { ChainOptions } from './chain-options.ts'
import { configureIfChanged } from './configure-isolate.ts'
import type { LearnedPhases } from './phase-needs.ts'

/** What IsolateConfigs needs of the worker's plugin runtime. */
export interface IsolateConfigsDeps {
  catalog: PluginCatalog
  phases: LearnedPhases
  options: ChainOptions
  /** The current configuration's configs of a plugin in a workspace, by config id. */
  configsOf(wsId: string, plugin: string): Readonly<Record<string, Record<string, unknown>>>
  workspaceName(wsId: string): string
}

/**
 * What each isolate of a worker holds of the configuration: configs are sent (Kong's `configure`)
 * when they are not the object the isolate last got, and a crossing planned for a group
 * (GroupCrossing: the entries that need the phase, the `run` naming their configs) is reused while
 * nothing was sent to that isolate and no configuration was applied since.
 */
export class IsolateConfigs {
  /** What each isolate was last configured with, per plugin (object identity: snapshots rebuild them). */
  private readonly configured = new WeakMap<IsolateHandle, Map<string, object>>()
  /**
   * Each isolate's configuration generation: a new number (unique across isolates) whenever a
   * configure is sent to it, so a crossing planned against what it held is known stale.
   */
  private readonly gens = new WeakMap<IsolateHandle, number>()
  private count = 0
  /** Bumped by every apply: a crossing planned before may find the isolate's configs outdated. */
  private generation = 0

  constructor(private readonly deps: IsolateConfigsDeps) {}

  /** A new configuration was applied (crossings planned before are checked again). */
  applied(): void {
    this.generation++
  }

  /** Sends the plugin's current configs of the workspace to the isolate when they changed. */
  configure(isolate: IsolateHandle, wsId: string, plugin: string): void {
    const configs = this.deps.configsOf(wsId, plugin)
    let sent = this.configured.get(isolate)
    if (sent === undefined) {
      sent = new Map()
      this.configured.set(isolate, sent)
    }
    // Before sending: a configure that fails midway may still have changed what the isolate holds.
    if (sent.get(plugin) !== configs) this.gens.set(isolate, ++this.count)
    const result = configureIfChanged(isolate, sent, plugin, configs, this.deps.options.wallMs)
    const entry = this.deps.catalog.get(plugin)
    if (result === null || entry === undefined) return
    const warning = this.deps.phases.learn(entry, configs, result.phases)
    if (warning === null) return
    this.deps.options.logger.warn(
      { workspace: this.deps.workspaceName(wsId), ...warning },
      'phases(config) answer refused: those configurations run every phase their handler has',
    )
  }

  /** What a crossing of `group` into `isolate` sends for `phase` (ChainRuntime.crossing). */
  crossing(
    isolate: IsolateHandle,
    wsId: string,
    group: PlanGroup,
    entries: readonly ChainEntry[],
    phase: PhaseName,
  ): GroupCrossing | IsolateError {
    const planned = entries === group.entries
    const last = group.crossing
    const gen = this.gens.get(isolate) ?? -1
    // Nothing was sent to the isolate since, and no new configuration applied: a configure would
    // send nothing, so the entries, their phases and config names stand.
    if (
      planned &&
      last !== null &&
      last.isolateGen === gen &&
      last.applied === this.generation &&
      last.phases === this.deps.phases.version
    ) {
      return last
    }
    const needed = this.configureFor(isolate, wsId, entries, phase)
    if (!Array.isArray(needed)) return needed
    const run = Object.freeze(
      needed.map((entry) =>
        Object.freeze({
          plugin: entry.plugin.name,
          config: this.configName(isolate, entry.plugin.name, entry.instance.id),
        }),
      ),
    )
    const made: GroupCrossing = {
      isolateGen: this.gens.get(isolate) ?? -1,
      applied: this.generation,
      phases: this.deps.phases.version,
      needed,
      run,
    }
    if (planned) group.crossing = made
    return made
  }

  /**
   * Configures the group's plugins in the isolate (when their configs changed), then keeps the
   * entries whose configuration needs `phase`. A configure the isolate could not finish (a limit,
   * a broken answer) is returned: it fails the request like a phase call.
   */
  private configureFor(
    isolate: IsolateHandle,
    wsId: string,
    group: readonly ChainEntry[],
    phase: PhaseName,
  ): ChainEntry[] | IsolateError {
    try {
      for (const entry of group) this.configure(isolate, wsId, entry.plugin.name)
    } catch (error) {
      if (isIsolateError(error)) return error
      throw error
    }
    return group.filter((entry) => this.deps.phases.needs(entry, phase))
  }

  /**
   * How a call names `configId` of `plugin` to an isolate: '' when it is the only configuration
   * the isolate holds for that plugin (a global plugin, the common case), else the id itself.
   * Saves a UUID per plugin per call (see PhaseCall.run).
   */
  private configName(isolate: IsolateHandle, plugin: string, configId: string): string {
    const configs = this.configured.get(isolate)?.get(plugin)
    if (configs === undefined) return configId
    let sole = soleConfigs.get(configs)
    if (sole === undefined) {
      const ids = Object.keys(configs)
      sole = ids.length === 1 ? (ids[0] as string) : null
      soleConfigs.set(configs, sole)
    }
    return sole === configId ? '' : configId
  }
}

/** The only config id of a configs object sent to isolates, or null (several or none). */
const soleConfigs = new WeakMap<object, string | null>()
