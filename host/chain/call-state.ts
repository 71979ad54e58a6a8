import type { IsolateHandle } from '../../runtime/isolate/index.ts'
import type { PhaseCall, RequestState } from '../../runtime/protocol.ts'
import type { RequestModel } from './request-model.ts'
import { baseDelta } from './request-state.ts'

/**
 * Fills the state of a request's first call into an isolate: the request's base text (returned,
 * sent after the message's JSON) with a delta of what changed since it arrived and what the text
 * leaves out, or the whole state as JSON when there is no base text. The route and service go
 * only when they are not the ones this isolate's last request carried (PhaseCall.reuse).
 */
export function firstState(call: PhaseCall, isolate: IsolateHandle, model: RequestModel): string | undefined {
  const { state } = model
  const base = model.baseText()
  if (base === null) {
    Object.assign(call, fullState(isolate, state))
    return undefined
  }
  call.base = true
  const delta = baseDelta(model)
  const reuse = reusable(isolate, state)
  if (reuse.route) call.reuse = { route: true }
  else delta.route = state.route
  if (reuse.service) call.reuse = { ...call.reuse, service: true }
  else delta.service = state.service
  call.delta = delta
  return base
}

/** The route and service objects of the last full state each isolate was sent. */
const lastSent = new WeakMap<
  IsolateHandle,
  { route: RequestState['route']; service: RequestState['service'] }
>()

/** Which of the request's route and service the isolate holds already (the last ones it was sent). */
function reusable(isolate: IsolateHandle, state: RequestState): { route: boolean; service: boolean } {
  const last = lastSent.get(isolate)
  lastSent.set(isolate, { route: state.route, service: state.service })
  return {
    route: state.route !== null && last?.route === state.route,
    service: state.service !== null && last?.service === state.service,
  }
}

/** A first call's whole state, without the route and service the isolate already holds (PhaseCall.reuse). */
function fullState(isolate: IsolateHandle, state: RequestState): Pick<PhaseCall, 'state' | 'reuse'> {
  const { route, service } = reusable(isolate, state)
  if (!route && !service) return { state }
  return {
    state: {
      ...state,
      ...(route ? { route: undefined } : {}),
      ...(service ? { service: undefined } : {}),
    } as RequestState,
    reuse: { ...(route ? { route } : {}), ...(service ? { service } : {}) },
  }
}
