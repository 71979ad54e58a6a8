import type { PhaseName } from '../../runtime/protocol.ts'
import type { PluginEntity } from '../entities/index.ts'
import type { CatalogPlugin } from './types.ts'

/** The request's scheme; an instance runs only when its `protocols` list it. */
export type Scheme = 'http' | 'https'

/** One plugin instance chosen to run: the plugin (priority, phases) and its entity (id = config id). */
export interface ChainEntry {
  plugin: CatalogPlugin
  instance: PluginEntity
}

/** Best instance of one plugin for a request, per scheme; null when none applies. */
export type PerScheme<T> = Record<Scheme, T>

/** One plugin configured in the workspace with instances that can apply to a route. */
export interface Candidate {
  plugin: CatalogPlugin
  /** The most specific instance when no consumer is authenticated. */
  base: PerScheme<PluginEntity | null>
  /** For consumers with an instance scoped to them here: the most specific instance for that consumer. */
  consumers: ReadonlyMap<string, PerScheme<PluginEntity | null>>
  /** The global instance (no route, service or consumer), for phases that run before routing's result counts. */
  global: PerScheme<PluginEntity | null>
}

/** Everything needed to pick a request's instances on one route (or on no route), computed once per snapshot. */
export interface RouteChain {
  wsId: string
  routeId: string | null
  serviceId: string | null
  /** In run order: priority descending, then name. */
  candidates: readonly Candidate[]
  /** The selection when no consumer is authenticated, per scheme. */
  base: PerScheme<readonly ChainEntry[]>
  /**
   * Global instances of the workspace, per scheme: Kong runs these in `rewrite`, and in the later
   * phases of a request whose access phase never ran (no route matched, or a rewrite exit).
   */
  globals: PerScheme<readonly ChainEntry[]>
  /** Some instance here is scoped to a consumer: authentication can change what runs next. */
  consumerScoped: boolean
}

/** What a configure call gets: per workspace, per plugin, every enabled instance's config by id. */
export interface WorkspacePlugins {
  id: string
  name: string
  configs: ReadonlyMap<string, Readonly<Record<string, Record<string, unknown>>>>
}

/** Plugin selection for one configuration snapshot; immutable, swapped whole on change. */
export interface Chains {
  version: number
  routes: ReadonlyMap<string, RouteChain>
  /** Requests no route matched: the global instances of the `default` workspace (Kong's 404 path). */
  unmatched: RouteChain
  workspaces: ReadonlyMap<string, WorkspacePlugins>
  /** Plugin names that have instances but are not in the catalog (Kong: "in use but not enabled"); skipped. */
  missing: readonly string[]
}

/**
 * Whether an instance's configuration needs a phase (its plugin's `phases(config)`, learned by the
 * worker at configure time): a phase it does not need is never called.
 */
export interface PhaseNeeds {
  needs(entry: ChainEntry, phase: PhaseName): boolean
}
