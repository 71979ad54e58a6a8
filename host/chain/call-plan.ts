import type { PhaseName } from '../../runtime/protocol.ts'
import type { ChainEntry } from '../plugins/index.ts'
import type { LearnedPhases } from './phase-needs.ts'

/** The `run` part of a phase call, as sent (PhaseCall.run); frozen, shared by every call that sends it. */
export type CallRun = readonly Readonly<{ plugin: string; config: string }>[]

/**
 * What a group's crossing sends to one isolate, valid while nothing that decided it changed: the
 * isolate's configuration (its generation), the worker's configuration (applied generation) and
 * the phases learned. Configuration names ('' for a sole config) depend on what the isolate
 * holds, so a configuration change between two phases of a request never reuses them.
 */
export interface GroupCrossing {
  readonly isolateGen: number
  readonly applied: number
  readonly phases: number
  /** The entries whose configuration needs the phase. */
  readonly needed: readonly ChainEntry[]
  readonly run: CallRun
}

/** One crossing of a phase: the entries one isolate runs together, and its pool key. */
export interface PlanGroup {
  readonly key: string
  readonly entries: readonly ChainEntry[]
  /** The last crossing made for this group (replaced whole, never changed in place). */
  crossing: GroupCrossing | null
}

/** A phase of one selection (route chain, scheme, consumer): its groups, in run order. */
export interface PhasePlan {
  /** LearnedPhases.version the entries were chosen at. */
  readonly phases: number
  readonly groups: readonly PlanGroup[]
}

const EMPTY: readonly PlanGroup[] = Object.freeze([])

/**
 * Call plans per selection and phase, built on first use for each configuration generation and
 * then shared by every request of it: a selection list is immutable and belongs to one snapshot's
 * chains (a new snapshot brings new lists, so new plans), and a plan is rebuilt only when the
 * phases learned at configure change. Requests walk the plan instead of grouping, keying and
 * naming entries per phase.
 */
export class CallPlans {
  private readonly plans = new WeakMap<readonly ChainEntry[], Map<PhaseName, PhasePlan>>()

  constructor(
    private readonly phases: LearnedPhases,
    private readonly isolation: 'plugin' | 'workspace',
    private readonly keyFor: (wsId: string, plugin: string) => string,
  ) {}

  /** The plan of `phase` for `selection` (a chain's list of one workspace, `wsId`). */
  of(selection: readonly ChainEntry[], wsId: string, phase: PhaseName): PhasePlan {
    let byPhase = this.plans.get(selection)
    if (byPhase === undefined) {
      byPhase = new Map()
      this.plans.set(selection, byPhase)
    }
    const known = byPhase.get(phase)
    if (known !== undefined && known.phases === this.phases.version) return known
    const plan = this.build(selection, wsId, phase)
    byPhase.set(phase, plan)
    return plan
  }

  /** A group of one entry, outside any plan (after a consumer changed the selection mid-access). */
  single(wsId: string, entry: ChainEntry): PlanGroup {
    return { key: this.keyFor(wsId, entry.plugin.name), entries: [entry], crossing: null }
  }

  private build(selection: readonly ChainEntry[], wsId: string, phase: PhaseName): PhasePlan {
    const entries = selection.filter((entry) => this.phases.needs(entry, phase))
    const version = this.phases.version
    if (entries.length === 0) return { phases: version, groups: EMPTY }
    // A workspace isolate runs the whole phase in one crossing, except bodyFilter: each filter
    // sees the chunk the previous one produced, so one plugin per crossing there.
    if (this.isolation === 'workspace' && phase !== 'bodyFilter') {
      const first = entries[0] as ChainEntry
      const group: PlanGroup = { key: this.keyFor(wsId, first.plugin.name), entries, crossing: null }
      return { phases: version, groups: [group] }
    }
    return { phases: version, groups: entries.map((entry) => this.single(wsId, entry)) }
  }
}
