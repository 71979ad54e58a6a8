import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GOOD_PLUGIN } from './good-plugin.fixture.ts'
import { bundlePlugin, extractSourceMap, withoutSourceMap } from './index.ts'
import { MINIMAL_PLUGIN, type PluginFixture, pluginFixture } from './plugin-fixture.ts'

let fixture: PluginFixture
beforeEach(() => {
  fixture = pluginFixture()
})
afterEach(() => fixture.remove())

describe('bundlePlugin', () => {
  it('bundles a plugin with relative, JSON, package and SDK imports into one script', async () => {
    const dir = fixture.plugin('my-plugin', GOOD_PLUGIN)
    const bundle = await bundlePlugin({ dir })

    expect(bundle.name).toBe('my-plugin')
    expect(bundle.dir).toBe(dir)
    expect(bundle.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(bundle.size).toBe(Buffer.byteLength(bundle.code))
    expect(bundle.modules).toEqual({ handler: true, schema: true, daos: false, api: false, migrations: [] })
    expect(bundle.warnings).toEqual([])
    expect(bundle.fromCache).toBe(false)
    expect(bundle.code.startsWith('var __isogatePlugin = ')).toBe(true)
    expect(bundle.code).not.toMatch(/\brequire\(|\bimport\(|process\.env/)
  })

  it('names sources relative to the plugin folder and never shows a host path', async () => {
    const dir = fixture.plugin('my-plugin', GOOD_PLUGIN)
    const bundle = await bundlePlugin({ dir })
    const map = extractSourceMap(bundle.code)

    expect(map?.sources).toEqual(
      expect.arrayContaining(['handler.ts', 'schema.ts', 'lib/text.ts', 'node_modules/tiny-lib/index.js']),
    )
    for (const source of map?.sources ?? []) expect(source).not.toMatch(/^\/|\.\.\//)
    expect(map?.sourcesContent?.[map.sources.indexOf('lib/text.ts')]).toBe(GOOD_PLUGIN['lib/text.ts'])
    const everything = bundle.code + JSON.stringify(map)
    expect(everything).not.toContain(fixture.root)
    expect(everything).not.toContain(process.cwd())
  })

  it('gives the same hash to the same files in another place', async () => {
    const first = await bundlePlugin({ dir: fixture.plugin('my-plugin', GOOD_PLUGIN) })
    const second = await bundlePlugin({ dir: fixture.plugin('elsewhere/my-plugin', GOOD_PLUGIN) })
    expect(second.hash).toBe(first.hash)
    expect(second.code).toBe(first.code)
  })

  it('reports the optional files and collects migrations in name order', async () => {
    const dir = fixture.plugin('my-plugin', {
      ...MINIMAL_PLUGIN,
      'daos.ts': 'export default { things: { name: "things" } }\n',
      'api.ts': 'export default {}\n',
      'migrations/010_more.ts': 'export default { up: [] }\n',
      'migrations/002_base.ts': 'export default { up: [] }\n',
      'migrations/types.d.ts': 'export type X = 1\n',
      'migrations/helper.ts': 'export const h = 1\n',
    })
    const bundle = await bundlePlugin({ dir })

    expect(bundle.modules).toEqual({
      handler: true,
      schema: true,
      daos: true,
      api: true,
      migrations: ['002_base', '010_more'],
    })
    expect(bundle.warnings).toEqual([
      'migrations/helper.ts is ignored: migration files are named NNN_<name>.ts',
    ])
  })

  it("passes on esbuild's warnings with the file relative to the plugin folder", async () => {
    const dir = fixture.plugin('my-plugin', {
      ...MINIMAL_PLUGIN,
      'handler.ts': 'const a = 1\nexport default { same: a == -0 }\n',
    })
    const bundle = await bundlePlugin({ dir })
    expect(bundle.warnings).toEqual([expect.stringMatching(/^handler\.ts:2:\d+: Comparison with -0 /)])
  })
})

describe('extractSourceMap', () => {
  it('returns null when the code has no inline map', () => {
    expect(extractSourceMap('var x = 1\n')).toBeNull()
    expect(
      extractSourceMap('var x = 1\n//# sourceMappingURL=data:application/json;base64,bm90IGpzb24=\n'),
    ).toBeNull()
  })
})

describe('withoutSourceMap', () => {
  it('cuts the inline map off a bundle and leaves every line of code where it was', async () => {
    const bundle = await bundlePlugin({ dir: fixture.plugin('my-plugin', GOOD_PLUGIN) })
    const code = withoutSourceMap(bundle.code)
    expect(code).not.toContain('sourceMappingURL')
    expect(bundle.code.startsWith(code)).toBe(true)
    expect(code.endsWith('\n')).toBe(true)
    // What is cut is the map comment, whole.
    expect(bundle.code.slice(code.length)).toMatch(
      /^\/\/# sourceMappingURL=data:application\/json;base64,[A-Za-z0-9+/=]+\n$/,
    )
  })

  it('leaves code without an inline map as it is', () => {
    expect(withoutSourceMap('var x = 1\n')).toBe('var x = 1\n')
  })
})
