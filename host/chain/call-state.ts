import type { PhaseCall, RequestState } from '../../runtime/protocol.ts'
import type { IsolateHoldings } from './isolate-holdings.ts'
import type { RequestModel } from './request-model.ts'
import { baseDelta } from './request-state.ts'

/**
 * Fills the state of a request's first call into an isolate: the request's base text (returned,
 * sent after the message's JSON) with a delta of what changed since it arrived and what the text
 * leaves out, or the whole state as JSON when there is no base text. The route and service go by
 * id when the isolate holds them (PhaseCall.refs), in full otherwise.
 */
export function firstState(call: PhaseCall, held: IsolateHoldings, model: RequestModel): string | undefined {
  const { state } = model
  const base = model.baseText()
  const refs = heldRefs(held, state)
  if (refs !== null) call.refs = refs
  if (base === null) {
    call.state =
      refs === null
        ? state
        : ({
            ...state,
            ...(refs?.route !== undefined ? { route: undefined } : {}),
            ...(refs?.service !== undefined ? { service: undefined } : {}),
          } as RequestState)
    return undefined
  }
  call.base = true
  const delta = baseDelta(model)
  if (refs?.route === undefined) delta.route = state.route
  if (refs?.service === undefined) delta.service = state.service
  call.delta = delta
  return base
}

/** The request's route and service the isolate holds (the same info objects), by id; null when neither. */
function heldRefs(held: IsolateHoldings, state: RequestState): PhaseCall['refs'] | null {
  const { route, service } = state
  const routeHeld = route !== null && held.holds(route, 'route', route.id)
  const serviceHeld = service !== null && held.holds(service, 'service', service.id)
  if (!routeHeld && !serviceHeld) return null
  return {
    ...(routeHeld ? { route: (route as NonNullable<typeof route>).id } : {}),
    ...(serviceHeld ? { service: (service as NonNullable<typeof service>).id } : {}),
  }
}
