import ivm from 'isolated-vm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GOOD_PLUGIN } from './good-plugin.fixture.ts'
import { bundlePlugin, GLOBAL_NAME } from './index.ts'
import { MINIMAL_PLUGIN, type PluginFixture, pluginFixture } from './plugin-fixture.ts'

let fixture: PluginFixture
let isolate: ivm.Isolate
beforeEach(() => {
  fixture = pluginFixture()
  isolate = new ivm.Isolate({ memoryLimit: 32 })
})
afterEach(() => {
  isolate.dispose()
  fixture.remove()
})

/** Evaluates the bundle in a bare V8 context and returns a function that evaluates more there. */
async function load(code: string): Promise<(expression: string) => Promise<unknown>> {
  const context = await isolate.createContext()
  await context.eval(code)
  return (expression) => context.eval(expression, { copy: true })
}

describe('a bundle in a bare isolate', () => {
  it('runs without Node and leaves the plugin on globalThis.__isogatePlugin', async () => {
    const bundle = await bundlePlugin({ dir: fixture.plugin('my-plugin', GOOD_PLUGIN) })
    const run = await load(bundle.code)

    expect(GLOBAL_NAME).toBe('__isogatePlugin')
    expect(await run('[typeof require, typeof process, typeof fetch]')).toEqual([
      'undefined',
      'undefined',
      'undefined',
    ])
    expect(await run('Object.keys(globalThis.__isogatePlugin)')).toEqual(['handler', 'schema'])
    expect(JSON.parse(String(await run('JSON.stringify(globalThis.__isogatePlugin.schema)')))).toEqual({
      name: 'my-plugin',
      config: { type: 'object', properties: { greeting: { type: 'string', default: 'hi' } } },
    })
    expect(await run('__isogatePlugin.handler.priority')).toBe(1000)
    // lib/text.ts, limits.json and node_modules/tiny-lib all ran inside the isolate.
    expect(await run('__isogatePlugin.handler.greet("bob")')).toBe('.....BOB!')
  })

  it('exposes each file by its default export, or its named exports when it has none', async () => {
    const dir = fixture.plugin('my-plugin', {
      ...MINIMAL_PLUGIN,
      'handler.ts': 'export const priority = 10\nexport function access(): string { return "named" }\n',
      'daos.ts': 'export default { things: { name: "things" } }\nexport const ignored = true\n',
      'api.ts': 'export const routes = ["/things"]\n',
      'migrations/001_more.ts': 'export const up = ["b"]\n',
      'migrations/000_base.ts': 'export default { up: ["a"] }\n',
    })
    const run = await load((await bundlePlugin({ dir })).code)

    expect(await run('Object.keys(__isogatePlugin).sort()')).toEqual([
      'api',
      'daos',
      'handler',
      'migrations',
      'schema',
    ])
    expect(await run('__isogatePlugin.handler.priority + ":" + __isogatePlugin.handler.access()')).toBe(
      '10:named',
    )
    expect(await run('JSON.stringify(__isogatePlugin.daos)')).toBe('{"things":{"name":"things"}}')
    expect(await run('JSON.stringify(__isogatePlugin.api)')).toBe('{"routes":["/things"]}')
    expect(await run('JSON.stringify(__isogatePlugin.migrations)')).toBe(
      '[{"name":"000_base","module":{"up":["a"]}},{"name":"001_more","module":{"up":["b"]}}]',
    )
  })

  it('bundles a value import of isogate/sdk without dragging anything else in', async () => {
    const dir = fixture.plugin('my-plugin', {
      ...MINIMAL_PLUGIN,
      'handler.ts': 'import * as sdk from "isogate/sdk"\nexport default { sdkExports: Object.keys(sdk) }\n',
    })
    const run = await load((await bundlePlugin({ dir })).code)
    expect(Array.isArray(await run('__isogatePlugin.handler.sdkExports'))).toBe(true)
  })
})
