/**
 * Which PDK functions each phase may call (Kong's kong/pdk/private/phases.lua), as bit sets.
 * Kong's sets that predate its `response` phase leave it out even where `header_filter` is
 * allowed; here `response` (buffered, after the upstream answered) counts wherever
 * `headerFilter` does, since it runs between access and headerFilter.
 */
import { type CallPhase, PHASE_NAMES } from '../protocol.ts'

export const PHASE_BITS: Record<CallPhase, number> = {
  initWorker: 1,
  configure: 2,
  rewrite: 4,
  access: 8,
  response: 16,
  headerFilter: 32,
  bodyFilter: 64,
  log: 128,
  /** An api.ts handler (an Admin API call): no request, no response; data, crypto and logs. */
  admin: 256,
}

const ORDER: readonly CallPhase[] = [...PHASE_NAMES, 'admin']

const { initWorker, configure, rewrite, access, response, headerFilter, bodyFilter, log, admin } = PHASE_BITS

/** Named sets, after Kong's. */
export const PHASES = {
  any: initWorker | configure | rewrite | access | response | headerFilter | bodyFilter | log | admin,
  request: rewrite | access | response | headerFilter | bodyFilter | log,
  /** kong.db and kong.crypto: every request phase and api.ts handlers. */
  data: rewrite | access | response | headerFilter | bodyFilter | log | admin,
  beforeContent: rewrite | access | response,
  rewriteAccess: rewrite | access,
  access,
  /** kong.response setters and exit (Kong's rewrite_access_header). */
  responseWriters: rewrite | access | response | headerFilter,
  /** kong.response getters (Kong's header_body_log). */
  responseReaders: response | headerFilter | bodyFilter | log,
  bodyFilter,
  log,
  /** kong.client consumer getters, kong.router (Kong's AUTH_AND_LATER / ROUTER_PHASES). */
  authAndLater: access | response | headerFilter | bodyFilter | log,
} as const

/** `headerFilter, bodyFilter` — the names of a set's phases. */
export function phaseNames(bits: number): string {
  let out = ''
  for (let i = 0; i < ORDER.length; i++) {
    const name = ORDER[i]!
    if (bits & PHASE_BITS[name]) out += (out === '' ? '' : ', ') + name
  }
  return out
}
