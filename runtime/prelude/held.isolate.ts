/**
 * What this isolate keeps across requests for the host (PhaseCall.plan, PhaseCall.refs): the run
 * lists of call plans and the route and service infos, by the keys the host tracks them under.
 * The host bounds them and says `forget` when it starts over, so both sides agree on what is
 * here; nothing of it is handed to plugin code (the PDK gives out copies of routes and services).
 */
import { MapCtor, MapGet, MapSet } from './intrinsics.isolate.ts'

let held = new MapCtor<string, unknown>()

/** Drops everything (PhaseCall.forget), before the message's own entries are kept. */
export function forgetHeld(): void {
  held = new MapCtor<string, unknown>()
}

export function keep(key: string, value: unknown): void {
  MapSet(held, key, value)
}

export function heldValue(key: string): unknown {
  return MapGet(held, key)
}
