import { describe, expect, it } from 'vitest'
import type { RequestState } from '../../runtime/protocol.ts'
import { applyMutations, MutationRefused } from './apply-mutations.ts'
import { RequestModel } from './request-model.ts'

function model(): RequestModel {
  const state: RequestState = {
    id: 'r1',
    startedAt: 0,
    scheme: 'http',
    host: 'example.com',
    port: 8000,
    method: 'GET',
    path: '/a',
    rawQuery: '',
    headers: { accept: '*/*' },
    client: { ip: '127.0.0.1', port: 1, forwardedIp: '127.0.0.1', forwardedPort: 8000, protocol: 'http' },
    route: null,
    service: null,
    uriCaptures: null,
    workspace: { id: 'w', name: 'default' },
    consumer: null,
    credential: null,
    shared: {},
    upstream: { method: 'GET', path: '/a', rawQuery: '' },
    response: null,
    serviceResponse: null,
  }
  return new RequestModel(state)
}

const refusal = (fn: () => void): string => {
  try {
    fn()
  } catch (error) {
    if (error instanceof MutationRefused) return error.rule
    throw error
  }
  throw new Error('expected a refusal')
}

describe('applyMutations', () => {
  it('shapes the upstream request in call order, visible to later getters', () => {
    const m = model()
    applyMutations(m, [
      { op: 'service.request.setHeader', name: 'X-One', value: '1' },
      { op: 'service.request.addHeader', name: 'x-one', value: '2' },
      { op: 'service.request.clearHeader', name: 'Accept' },
      { op: 'service.request.setMethod', method: 'POST' },
      { op: 'service.request.setPath', path: '/b' },
      { op: 'service.request.setRawQuery', query: 'x=1' },
      { op: 'service.request.setRawBody', body: 'aGk=', base64: true },
      { op: 'service.setTarget', host: 'upstream.local', port: 9000 },
      { op: 'service.setRetries', retries: 0 },
    ])
    expect(m.state.headers).toEqual({ 'x-one': ['1', '2'] })
    // Added to nothing: a single value stays a string, as the isolate's own view has it.
    applyMutations(m, [
      { op: 'service.request.addHeader', name: 'X-Two', value: 'a' },
      { op: 'service.request.addHeader', name: 'X-Three', value: ['b', 'c'] },
    ])
    expect(m.state.headers['x-two']).toBe('a')
    expect(m.state.headers['x-three']).toEqual(['b', 'c'])
    expect(m.state.upstream).toEqual({ method: 'POST', path: '/b', rawQuery: 'x=1' })
    expect(m.upstreamBody?.toString()).toBe('hi')
    expect(m.target).toEqual({ host: 'upstream.local', port: 9000, plugin: '?', workspace: 'default' })
    expect(m.retries).toBe(0)
  })

  it('keeps response changes made before the response exists, then applies to the live one', () => {
    const m = model()
    applyMutations(m, [
      { op: 'response.setHeader', name: 'X-Early', value: 'yes' },
      { op: 'response.setStatus', status: 418 },
    ])
    expect(m.pendingResponse.headers).toEqual({ 'x-early': 'yes' })
    expect(m.pendingResponse.status).toBe(418)
    m.state.response = { status: 200, headers: { 'content-type': 'text/plain' }, source: 'service' }
    applyMutations(m, [
      { op: 'response.setStatus', status: 201 },
      { op: 'response.clearHeader', name: 'content-type' },
    ])
    expect(m.state.response).toMatchObject({ status: 201, headers: {} })
  })

  it('records authentication for the plugins after it', () => {
    const m = model()
    applyMutations(m, [{ op: 'client.authenticate', consumer: { id: 'c1' }, credential: { id: 'k1' } }])
    expect(m.state.consumer).toEqual({ id: 'c1' })
    expect(m.state.credential).toEqual({ id: 'k1' })
  })

  it('refuses header injection, bad names, framing headers, bad statuses and paths', () => {
    expect(
      refusal(() =>
        applyMutations(model(), [{ op: 'service.request.setHeader', name: 'x', value: 'a\r\nb: c' }]),
      ),
    ).toBe('header_value')
    expect(
      refusal(() => applyMutations(model(), [{ op: 'response.setHeader', name: 'bad name', value: 'x' }])),
    ).toBe('header_name')
    expect(
      refusal(() =>
        applyMutations(model(), [{ op: 'service.request.setHeader', name: 'Content-Length', value: '1' }]),
      ),
    ).toBe('header_framing')
    expect(refusal(() => applyMutations(model(), [{ op: 'response.setStatus', status: 99 }]))).toBe('status')
    expect(refusal(() => applyMutations(model(), [{ op: 'response.setStatus', status: 600 }]))).toBe('status')
    expect(
      refusal(() => applyMutations(model(), [{ op: 'service.request.setPath', path: 'relative' }])),
    ).toBe('path')
    expect(refusal(() => applyMutations(model(), [{ op: 'nope' } as never]))).toBe('unknown_op')
  })

  it('applies nothing after the first refused mutation', () => {
    const m = model()
    refusal(() =>
      applyMutations(m, [
        { op: 'service.request.setHeader', name: 'x-before', value: '1' },
        { op: 'service.request.setHeader', name: 'x-bad', value: '\n' },
        { op: 'service.request.setHeader', name: 'x-after', value: '1' },
      ]),
    )
    expect(m.state.headers['x-after']).toBeUndefined()
  })
})
