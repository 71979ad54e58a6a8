import type { IsolateError, IsolateHandle, IsolateLease } from '../../runtime/isolate/index.ts'
import type { PhaseName } from '../../runtime/protocol.ts'
import type { ChainEntry, PhaseNeeds } from '../plugins/index.ts'
import type { GroupCrossing, PhasePlan, PlanGroup } from './call-plan.ts'
import type { ChainOptions } from './chain-options.ts'
import type { WorkspaceScheduler } from './scheduler/index.ts'

/**
 * What one request's plugin work (ChainRequest) needs of the worker's plugin runtime, and no
 * more: isolates by key, their configuration, the cache sync and drops a call carries, the
 * workspace scheduler. WorkerPlugins is the runtime; the interface keeps ChainRequest from
 * reaching into it.
 */
export interface ChainRuntime {
  readonly options: ChainOptions
  readonly scheduler: WorkspaceScheduler
  /** The request phases each configuration needs (its plugin's `phases(config)`). */
  readonly phases: PhaseNeeds
  workspace(wsId: string): { id: string; name: string }
  /** The plan of `phase` for a selection of the workspace `wsId` (CallPlans.of). */
  plan(selection: readonly ChainEntry[], wsId: string, phase: PhaseName): PhasePlan
  /** A group of one entry outside any plan (a selection a consumer changed mid-access). */
  single(wsId: string, entry: ChainEntry): PlanGroup
  /**
   * A lease on the isolate of `key`: at once when it is built, a promise only when it must be
   * built (or replaced); null when it could not be.
   */
  lease(key: string): IsolateLease | null | Promise<IsolateLease | null>
  /**
   * What a crossing of `group` into `isolate` sends for `phase` (`entries`: the group's, or fewer
   * when some are stopped or held back): configures the isolate when its configuration may have
   * changed, keeps the entries whose configuration needs the phase and names their configs.
   * Reused from the group while still valid (GroupCrossing); a failed configure is returned.
   */
  crossing(
    isolate: IsolateHandle,
    wsId: string,
    group: PlanGroup,
    entries: readonly ChainEntry[],
    phase: PhaseName,
  ): GroupCrossing | IsolateError
  cacheSync(
    isolate: IsolateHandle,
    wsId: string,
    plugin: string,
  ): { cacheGen: number; cacheDrop?: string[] | true } | undefined
  /** Request ids the isolate may forget, carried by its next call. */
  takeDrops(key: string): string[] | undefined
  /** A request ended: its state in the isolate of `key` is dropped with that isolate's next call. */
  forget(key: string, requestId: string): void
  /** The scheduler refused a call of the workspace (logged at most every so often). */
  noteRefused(wsId: string, reason: string): void
  hasPlugin(name: string): boolean
}
