import { afterEach, describe, expect, it } from 'vitest'
import type { TestIsolate } from './index.ts'
import { isolateWith } from './prelude-fixture.ts'

let isolate: TestIsolate
afterEach(() => isolate?.dispose())

const plugin = (body: string) => `export default { priority: 1, version: '1.0.0', access() {}, ${body} }\n`
const configure = (configs: Record<string, unknown>) =>
  isolate.dispatch({ kind: 'configure', seq: 0, plugin: 'p', configs: configs as never })

describe('phases(config) in the configure answer', () => {
  it('answers each configuration with its list, copied', async () => {
    isolate = await isolateWith({
      p: plugin(`phases(conf) { return conf.greeting === 'loud' ? ['access', 'headerFilter'] : ['access'] }`),
    })
    const result = configure({ a: { greeting: 'loud' }, b: { greeting: 'hi' } })
    expect(result.phases).toEqual({ a: ['access', 'headerFilter'], b: ['access'] })
  })

  it('leaves the field out for a handler without phases', async () => {
    isolate = await isolateWith({ p: plugin('') })
    expect(configure({ a: {} }).phases).toBeUndefined()
  })

  it('says why, as text, for every answer that is not a short list of strings', async () => {
    isolate = await isolateWith({
      p: plugin(`phases(conf) {
        switch (conf.greeting) {
          case 'throw': throw new Error('no phases today')
          case 'promise': return Promise.resolve(['access'])
          case 'number': return 7
          case 'long': return Array(17).fill('access')
          case 'huge-name': return ['x'.repeat(33)]
          case 'object': return [{ toString() { return 'access' } }]
          case 'proxy': return new Proxy([], { get() { throw new Error('trap') } })
        }
        return ['access']
      }`),
    })
    const cases = ['throw', 'promise', 'number', 'long', 'huge-name', 'object', 'proxy']
    const result = configure(Object.fromEntries(cases.map((c) => [c, { greeting: c }])))
    expect(result.phases).toEqual({
      throw: 'phases(config) threw: Error: no phases today',
      promise: 'phases(config) returned a promise, not a list of phase names',
      number: 'phases(config) returned a number, not a list of phase names',
      long: 'phases(config) returned 17 names, more than 16',
      'huge-name': `phases(config)[0] is not a phase name: ${'x'.repeat(33)}`,
      object: expect.stringMatching(/^phases\(config\)\[0\] is not a phase name/),
      proxy: 'phases(config) threw: Error: trap',
    })
  })

  it('reports a phases that is not a function for each configuration', async () => {
    isolate = await isolateWith({ p: plugin(`phases: ['access']`) })
    expect(configure({ a: {}, b: {} }).phases).toEqual({
      a: 'phases is not a function',
      b: 'phases is not a function',
    })
  })
})
