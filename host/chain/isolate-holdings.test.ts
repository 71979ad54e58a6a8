import { describe, expect, it } from 'vitest'
import { requestState } from '../../runtime/prelude/request-state-fixture.ts'
import type { PhaseCall, RequestState } from '../../runtime/protocol.ts'
import type { CallRun } from './call-plan.ts'
import { firstState } from './call-state.ts'
import { IsolateHoldings, sendRun } from './isolate-holdings.ts'
import { RequestModel } from './request-model.ts'

const message = (): PhaseCall => ({
  kind: 'call',
  seq: 0,
  phase: 'access',
  rid: 'r',
  last: false,
  budgetMs: 1,
})

/** A request's first call as callIsolate builds it: begin, run, state. */
function firstCall(held: IsolateHoldings, run: CallRun, state: RequestState, base: string | null = 'text') {
  const call = message()
  held.begin(call)
  sendRun(call, run, held)
  const tail = firstState(call, held, new RequestModel(state, () => base))
  return { call, tail }
}

const run: CallRun = Object.freeze([Object.freeze({ plugin: 'a', config: '' })])

describe('what the host says an isolate holds', () => {
  it("sends a plan's run and the route and service in full once, then by id", () => {
    const held = new IsolateHoldings()
    const state = requestState()
    const first = firstCall(held, run, state)
    expect(first.call.run).toBe(run)
    expect(first.call.refs).toBeUndefined()
    expect(first.call.delta?.route).toBe(state.route)
    expect(first.call.delta?.service).toBe(state.service)
    expect(first.tail).toBe('text')

    // Another request of the same configuration: the same plan and info objects.
    const second = firstCall(held, run, requestState({ route: state.route, service: state.service }))
    expect(second.call.plan).toBe(first.call.plan)
    expect(second.call.run).toBeUndefined()
    expect(second.call.refs).toEqual({ route: 'route-1', service: 'service-1' })
    expect(second.call.delta).not.toHaveProperty('route')
    expect(second.call.delta).not.toHaveProperty('service')
    expect(second.call.forget).toBeUndefined()
  })

  it('sends a route again in full when its configuration changed (another info object, same id)', () => {
    const held = new IsolateHoldings()
    const state = requestState()
    firstCall(held, run, state)
    const renamed = { ...(state.route as NonNullable<RequestState['route']>), name: 'renamed' }
    const next = firstCall(held, run, requestState({ route: renamed, service: state.service }))
    expect(next.call.refs).toEqual({ service: 'service-1' })
    expect(next.call.delta?.route).toBe(renamed)
    // A new plan (a configuration change) has its own id and goes in full.
    const other: CallRun = Object.freeze([...run])
    const planned = firstCall(held, other, state)
    expect(planned.call.run).toBe(other)
    expect(planned.call.plan).not.toBe(next.call.plan)
  })

  it('leaves held entities out of a whole state (no base text) and names them in refs', () => {
    const held = new IsolateHoldings()
    const state = requestState()
    firstCall(held, run, state, null)
    const { call, tail } = firstCall(
      held,
      run,
      requestState({ route: state.route, service: state.service }),
      null,
    )
    expect(tail).toBeUndefined()
    expect(call.refs).toEqual({ route: 'route-1', service: 'service-1' })
    expect(JSON.parse(JSON.stringify(call.state))).not.toHaveProperty('route')
    expect(JSON.parse(JSON.stringify(call.state))).not.toHaveProperty('service')
  })

  it('after a failed call, says forget and sends everything in full again', () => {
    const held = new IsolateHoldings()
    const state = requestState()
    firstCall(held, run, state)
    held.reset()
    const after = firstCall(held, run, requestState({ route: state.route, service: state.service }))
    expect(after.call.forget).toBe(true)
    expect(after.call.run).toBe(run)
    expect(after.call.refs).toBeUndefined()
    // Once only: the next message relies on what that one carried.
    const next = firstCall(held, run, requestState({ route: state.route, service: state.service }))
    expect(next.call.forget).toBeUndefined()
    expect(next.call.run).toBeUndefined()
  })

  it('starts over with the isolate (forget) instead of growing past its bound', () => {
    const held = new IsolateHoldings()
    let forgot = 0
    for (let i = 0; i < 2_000; i++) {
      const route = { ...(requestState().route as NonNullable<RequestState['route']>), id: `route-${i}` }
      const { call } = firstCall(held, run, requestState({ route }))
      if (call.forget) {
        forgot++
        // Everything of the message goes in full after a forget.
        expect(call.run).toBe(run)
        expect(call.refs).toBeUndefined()
      }
    }
    expect(forgot).toBeGreaterThanOrEqual(3)
    expect(forgot).toBeLessThanOrEqual(4)
  })
})
