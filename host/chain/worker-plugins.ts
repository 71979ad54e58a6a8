import {
  createPluginIsolate,
  type IsolateError,
  type IsolateHandle,
  type IsolateLease,
  IsolatePool,
  runPhase,
} from '../../runtime/isolate/index.ts'
import { preludeSource } from '../../runtime/prelude/index.ts'
import type { PhaseName } from '../../runtime/protocol.ts'
import type { ConfigSnapshot } from '../entities/index.ts'
import {
  buildChains,
  type ChainEntry,
  type Chains,
  chainFor,
  type PluginCatalog,
  type RouteChain,
} from '../plugins/index.ts'
import type { PluginHooks, PluginRequest, PluginRequestInfo } from '../proxy/index.ts'
import { CallPlans, type GroupCrossing, type PhasePlan, type PlanGroup } from './call-plan.ts'
import type { ChainOptions } from './chain-options.ts'
import { ChainRequest } from './chain-request.ts'
import type { ChainRuntime } from './chain-runtime.ts'
import { IsolateConfigs } from './isolate-configs.ts'
import { type ChainFlags, LearnedPhases } from './phase-needs.ts'
import { WorkspaceScheduler } from './scheduler/index.ts'

export type { ChainFlags } from './phase-needs.ts'

/** Dropped request ids waiting to ride on an isolate's next call, at most this many per isolate. */
const MAX_DROPS = 256
/** Isolates a snapshot needs that are built before a worker acknowledges it; the rest follow. */
const WARM_BEFORE_ACK = 64
/** Unused isolates of a configuration that changed are disposed after this grace. */
const RETIRE_AFTER_MS = 30_000
/** At most one "workspace queue" warning per workspace in this long (it counts the rest). */
const REFUSED_LOG_MS = 10_000

/**
 * The plugin runtime of one proxy worker: chains per snapshot, an isolate pool keyed by
 * workspace and plugin (or workspace alone in `isolation = workspace`), configs sent to isolates
 * when they change, and one ChainRequest per request that has plugin work.
 */
export class WorkerPlugins implements PluginHooks, ChainRuntime {
  readonly options: ChainOptions
  /** Fair share of this worker's plugin calls between workspaces (ChainRequest waits for its turns). */
  readonly scheduler: WorkspaceScheduler
  private readonly catalog: PluginCatalog
  private readonly pool: IsolatePool
  private chains: Chains | null = null
  /** The phases each configuration needs, learned from its plugin's `phases(config)` at configure. */
  readonly phases = new LearnedPhases()
  /** Per chain, its flags and the LearnedPhases version they were computed at. */
  private readonly flags = new WeakMap<RouteChain, { flags: ChainFlags; version: number }>()
  /** What each isolate holds of the configuration, and the crossings planned against it. */
  private readonly configs: IsolateConfigs
  private readonly plans: CallPlans
  private readonly drops = new Map<string, string[]>()
  /** The kong.cache generation each isolate's own copy of cache hits is current at. */
  private readonly cacheSeen = new WeakMap<IsolateHandle, number>()
  /** The plugins each isolate was built with. */
  private readonly loaded = new WeakMap<IsolateHandle, ReadonlySet<string>>()
  private readonly prelude = preludeSource()
  /** Per workspace: when its last "workspace queue" warning was logged, and refusals since. */
  private readonly refusals = new Map<string, { loggedAt: number; since: number }>()
  private disposed = false

  constructor(catalog: PluginCatalog, options: ChainOptions) {
    this.catalog = catalog
    this.options = options
    this.scheduler = new WorkspaceScheduler({ waitMs: options.workspaceQueueMs ?? 1000 })
    this.pool = new IsolatePool({ create: (key) => this.createIsolate(key) })
    this.configs = new IsolateConfigs({
      catalog,
      phases: this.phases,
      options,
      configsOf: (wsId, plugin) => this.chains?.workspaces.get(wsId)?.configs.get(plugin) ?? {},
      workspaceName: (wsId) => this.workspace(wsId).name,
    })
    this.plans = new CallPlans(this.phases, options.isolation, (wsId, plugin) => this.keyFor(wsId, plugin))
  }

  /**
   * Swaps in a snapshot's chains at once, then builds the isolates it needs ahead of traffic; the
   * promise settles when they are built (or failed: logged, rebuilt on first use), so a worker can
   * acknowledge a configuration only once no request has to pay an isolate's cold start for it.
   */
  apply(snapshot: ConfigSnapshot): Promise<void> {
    const chains = buildChains(snapshot, this.catalog)
    const before = this.chains
    this.chains = chains
    this.configs.applied()
    const wanted = new Map<string, { wsId: string; plugins: string[] }>()
    for (const [wsId, workspace] of chains.workspaces) {
      for (const plugin of workspace.configs.keys()) {
        const key = this.keyFor(wsId, plugin)
        const entry = wanted.get(key) ?? { wsId, plugins: [] }
        entry.plugins.push(plugin)
        wanted.set(key, entry)
      }
    }
    if (before !== null) this.retireUnused(before, new Set(wanted.keys()))
    const all = [...wanted]
    // The first isolates are awaited (the acknowledgement waits for them); with thousands of
    // workspaces the rest are built one after another in the background, so a change is never held
    // for seconds and start-up memory grows gradually.
    const now = all.slice(0, WARM_BEFORE_ACK).map(([key, { wsId, plugins }]) => this.warm(key, wsId, plugins))
    const later = all.slice(WARM_BEFORE_ACK)
    return Promise.all(now).then(() => {
      void later.reduce<Promise<void>>(
        (chain, [key, { wsId, plugins }]) => chain.then(() => this.warm(key, wsId, plugins)),
        Promise.resolve(),
      )
    })
  }

  /** Builds an isolate ahead of traffic and sends it its configs, so no request pays for either. */
  private async warm(key: string, wsId: string, plugins: string[]): Promise<void> {
    if (this.disposed) return
    const lease = await this.lease(key)
    if (lease === null) return
    try {
      for (const plugin of plugins) this.configs.configure(lease.isolate, wsId, plugin)
    } catch (error) {
      this.options.logger.error({ key, err: error }, 'could not configure a plugin isolate')
    } finally {
      lease.release()
    }
  }

  begin(info: PluginRequestInfo): PluginRequest | null {
    const chains = this.chains
    if (chains === null) return null
    const chain = chainFor(chains, info.match?.route.id ?? null)
    const flags = this.flagsFor(chain)
    if (!flags.any) return null
    return new ChainRequest(this, info, chains, chain, flags)
  }

  /** A chain's flags, recomputed only when a configuration's phases were learned or changed. */
  private flagsFor(chain: RouteChain): ChainFlags {
    const { version } = this.phases
    const cached = this.flags.get(chain)
    if (cached !== undefined && cached.version === version) return cached.flags
    const flags = this.phases.flagsOf(chain)
    this.flags.set(chain, { flags, version })
    return flags
  }

  hasPlugin(name: string): boolean {
    return this.catalog.get(name) !== undefined
  }

  keyFor(wsId: string, plugin: string): string {
    return this.options.isolation === 'workspace' ? `${wsId}/*` : `${wsId}/${plugin}`
  }

  workspace(wsId: string): { id: string; name: string } {
    return { id: wsId, name: this.chains?.workspaces.get(wsId)?.name ?? 'default' }
  }

  /**
   * A lease on the isolate of `key`. A workspace's isolate holds the plugins the workspace used
   * when it was built; once the workspace uses one it lacks, it is replaced by one built for the
   * current chains, requests holding the old one finishing there.
   */
  lease(key: string): IsolateLease | null | Promise<IsolateLease | null> {
    const now = this.pool.acquireNow(key)
    if (now !== null) {
      if (this.holdsWorkspacePlugins(key, now.isolate)) return now
      now.release()
    }
    return this.leaseLater(key)
  }

  private async leaseLater(key: string): Promise<IsolateLease | null> {
    try {
      const lease = await this.pool.acquire(key)
      if (this.holdsWorkspacePlugins(key, lease.isolate)) return lease
      lease.release()
      this.pool.renew(key)
      return await this.pool.acquire(key)
    } catch (error) {
      this.options.logger.error({ key, err: error }, 'could not build a plugin isolate')
      return null
    }
  }

  crossing(
    isolate: IsolateHandle,
    wsId: string,
    group: PlanGroup,
    entries: readonly ChainEntry[],
    phase: PhaseName,
  ): GroupCrossing | IsolateError {
    return this.configs.crossing(isolate, wsId, group, entries, phase)
  }

  plan(selection: readonly ChainEntry[], wsId: string, phase: PhaseName): PhasePlan {
    return this.plans.of(selection, wsId, phase)
  }

  single(wsId: string, entry: ChainEntry): PlanGroup {
    return this.plans.single(wsId, entry)
  }

  /**
   * The kong.cache keys invalidated since the isolate's last call (true: too many to list), which
   * the call carries so the isolate's copy of cache hits is current before any handler runs. A
   * plugin's own isolate hears only of its own keys and of entity invalidations.
   */
  cacheSync(
    isolate: IsolateHandle,
    wsId: string,
    plugin: string,
  ): { cacheGen: number; cacheDrop?: string[] | true } | undefined {
    const cache = this.options.data?.cache
    if (cache === undefined) return undefined
    const now = cache.generation(wsId)
    const seen = this.cacheSeen.get(isolate)
    this.cacheSeen.set(isolate, now)
    if (seen === undefined || seen === now) return { cacheGen: now }
    const own = this.options.isolation === 'plugin' ? plugin : undefined
    return { cacheGen: now, cacheDrop: cache.dropsSince(wsId, seen, own) }
  }

  /** A request ended: its state in that isolate is dropped with the isolate's next call. */
  forget(key: string, requestId: string): void {
    const list = this.drops.get(key) ?? []
    if (list.length < MAX_DROPS) list.push(requestId)
    this.drops.set(key, list)
  }

  /**
   * The scheduler refused a call of `wsId` (busy worker: 503 + Retry-After). Not the plugin's fault,
   * so no failure line and no strike: a warning per workspace at most every REFUSED_LOG_MS, with a count.
   */
  noteRefused(wsId: string, reason: string): void {
    const now = performance.now()
    const seen = this.refusals.get(wsId)
    if (seen !== undefined && now - seen.loggedAt < REFUSED_LOG_MS) {
      seen.since++
      return
    }
    this.refusals.set(wsId, { loggedAt: now, since: 0 })
    this.options.logger.warn(
      { workspace: this.workspace(wsId).name, reason, refused_since_last: seen?.since ?? 0 },
      "requests refused: the workspace's queue for plugin time is full or too slow",
    )
  }

  takeDrops(key: string): string[] | undefined {
    const list = this.drops.get(key)
    if (list === undefined) return undefined
    this.drops.delete(key)
    return list
  }

  dispose(): void {
    this.disposed = true
    this.pool.dispose()
  }

  private async createIsolate(key: string): Promise<IsolateHandle> {
    const started = performance.now()
    const slash = key.indexOf('/')
    const wsId = key.slice(0, slash)
    const name = key.slice(slash + 1)
    // A workspace's isolate loads only the plugins its workspace configures: each bundle costs
    // memory and start-up time in every isolate (~1 MB each with all bundled plugins loaded).
    const names = name === '*' ? [...(this.chains?.workspaces.get(wsId)?.configs.keys() ?? [])] : [name]
    const plugins = names.flatMap((plugin) => {
      const entry = this.catalog.get(plugin)
      return entry ? [{ name: entry.name, code: entry.bundle.code }] : []
    })
    const create = this.options.createIsolate ?? createPluginIsolate
    const isolate = await create({
      memoryMb: this.options.memoryMb,
      prelude: this.prelude,
      plugins,
      init: {
        kind: 'init',
        seq: 0,
        node: this.options.node,
        workspace: this.workspace(wsId),
        trustedIps: this.options.trustedIps,
        entities: this.options.data?.entities ?? [],
        ...(this.options.egress ? { egress: this.options.egress.isolateLists() } : {}),
      },
      label: key,
      ...(this.options.watchdog ? { watchdog: this.options.watchdog } : {}),
    })
    this.loaded.set(isolate, new Set(names))
    await this.initWorker(isolate, plugins)
    this.options.builds?.record(performance.now() - started)
    return isolate
  }

  /** Kong's init_worker, once per isolate for each plugin that has it: failures are logged, not fatal. */
  private async initWorker(isolate: IsolateHandle, plugins: { name: string }[]): Promise<void> {
    for (const { name } of plugins) {
      if (!this.catalog.get(name)?.phases.includes('initWorker')) continue
      try {
        const { result } = await runPhase(
          isolate,
          {
            kind: 'call',
            seq: 0,
            phase: 'initWorker',
            rid: 'init-worker',
            run: [{ plugin: name, config: '' }],
            last: true,
            budgetMs: this.options.cpuMs,
          },
          { cpuMs: this.options.cpuMs, wallMs: this.options.wallMs },
          () => Promise.reject(new Error('no host I/O in initWorker')),
        )
        const failed = result.outcomes.find((outcome) => outcome.status === 'error')
        if (failed)
          this.options.logger.error(
            { plugin: name, phase: 'initWorker', detail: failed.error?.message },
            'plugin failed',
          )
      } catch (error) {
        this.options.logger.error({ plugin: name, phase: 'initWorker', err: error }, 'plugin failed')
      }
    }
  }

  /** Isolates of workspace/plugin pairs the new snapshot no longer uses go, once in-flight requests are done. */
  private retireUnused(before: Chains, wanted: Set<string>): void {
    const gone: string[] = []
    for (const [wsId, workspace] of before.workspaces) {
      for (const plugin of workspace.configs.keys()) {
        const key = this.keyFor(wsId, plugin)
        if (!wanted.has(key)) gone.push(key)
      }
    }
    if (gone.length === 0) return
    setTimeout(() => {
      for (const key of gone) if (!this.wantedNow(key)) this.pool.discard(key)
    }, RETIRE_AFTER_MS).unref()
  }

  private holdsWorkspacePlugins(key: string, isolate: IsolateHandle): boolean {
    const loaded = this.loaded.get(isolate)
    if (loaded === undefined || !key.endsWith('/*')) return true
    const configs = this.chains?.workspaces.get(key.slice(0, -2))?.configs
    for (const plugin of configs?.keys() ?? []) if (!loaded.has(plugin)) return false
    return true
  }

  private wantedNow(key: string): boolean {
    for (const [wsId, workspace] of this.chains?.workspaces ?? []) {
      for (const plugin of workspace.configs.keys()) if (this.keyFor(wsId, plugin) === key) return true
    }
    return false
  }
}
