import type { PhaseName } from '../../runtime/protocol.ts'
import type { Candidate, ChainEntry, Chains, PhaseNeeds, RouteChain, Scheme } from './chain-types.ts'

/** The chain of a matched route, or the no-route chain (`routeId` null or unknown to this snapshot). */
export function chainFor(chains: Chains, routeId: string | null): RouteChain {
  return (routeId === null ? undefined : chains.routes.get(routeId)) ?? chains.unmatched
}

function pick(candidate: Candidate, consumerId: string | null, scheme: Scheme): ChainEntry | null {
  const choice = (consumerId === null ? undefined : candidate.consumers.get(consumerId)) ?? candidate.base
  const instance = choice[scheme]
  return instance === null ? null : { plugin: candidate.plugin, instance }
}

/**
 * The instances to run for a request: at most one per plugin, the most specific of Kong's eight
 * scopes for this route, its service and the consumer, enabled and listing the request's scheme,
 * in run order (priority descending, then name). Without a consumer the answer is precomputed.
 */
export function selectInstances(
  chains: Chains,
  routeId: string | null,
  consumerId: string | null,
  scheme: Scheme,
): readonly ChainEntry[] {
  const chain = chainFor(chains, routeId)
  if (consumerId === null || !chain.consumerScoped) return chain.base[scheme]
  return chain.candidates.flatMap((candidate) => pick(candidate, consumerId, scheme) ?? [])
}

/**
 * After `afterPlugin` authenticated a consumer in the access phase: Kong looks up each later
 * plugin's instance when its turn comes, so plugins after it (in run order) are chosen again for
 * the consumer, while it and the ones before keep what they ran with. Returns the whole list.
 */
export function reselectInstances(
  chains: Chains,
  routeId: string | null,
  selected: readonly ChainEntry[],
  afterPlugin: string,
  consumerId: string | null,
  scheme: Scheme,
): readonly ChainEntry[] {
  const chain = chainFor(chains, routeId)
  if (consumerId === null || !chain.consumerScoped) return selected
  const position = chain.candidates.findIndex((candidate) => candidate.plugin.name === afterPlugin)
  if (position === -1) return selected
  const done = new Set(chain.candidates.slice(0, position + 1).map((candidate) => candidate.plugin.name))
  return [
    ...selected.filter((entry) => done.has(entry.plugin.name)),
    ...chain.candidates.slice(position + 1).flatMap((candidate) => pick(candidate, consumerId, scheme) ?? []),
  ]
}

/**
 * The entries whose plugin implements `phase`, in order (what one phase call runs), and, given
 * `needs`, whose configuration needs it.
 */
export function entriesFor(
  entries: readonly ChainEntry[],
  phase: PhaseName,
  needs?: PhaseNeeds,
): ChainEntry[] {
  return entries.filter((entry) =>
    needs === undefined ? entry.plugin.phases.includes(phase) : needs.needs(entry, phase),
  )
}
