import { describe, expect, it } from 'vitest'
import { requestState } from '../../runtime/prelude/index.ts'
import { applyMutations } from './apply-mutations.ts'
import { withPending } from './gateway-answers.ts'
import { RequestModel } from './request-model.ts'

describe('withPending', () => {
  it('puts response headers set before the response on it, a header named __proto__ included', () => {
    const model = new RequestModel(requestState({ response: null }))
    // Set in access: no response yet, so they wait in the pending set.
    applyMutations(model, [
      { op: 'response.setHeader', name: '__proto__', value: ['a', 'b'] },
      { op: 'response.setHeader', name: 'x-kept', value: '1' },
      { op: 'response.clearHeader', name: 'server' },
    ])
    model.state.response = { status: 200, headers: { server: 'upstream', 'x-up': '2' }, source: 'service' }
    withPending(model)
    const { headers } = model.state.response
    expect(Object.getPrototypeOf(headers)).toBe(Object.prototype)
    expect(Object.entries(headers)).toEqual([
      ['x-up', '2'],
      ['__proto__', ['a', 'b']],
      ['x-kept', '1'],
    ])
  })
})
