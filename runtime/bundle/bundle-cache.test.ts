import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GOOD_PLUGIN } from './good-plugin.fixture.ts'
import { bundlePlugin } from './index.ts'
import { MINIMAL_PLUGIN, type PluginFixture, pluginFixture } from './plugin-fixture.ts'

let fixture: PluginFixture
let cacheDir: string
beforeEach(() => {
  fixture = pluginFixture()
  cacheDir = join(fixture.root, 'cache')
})
afterEach(() => fixture.remove())

const mtimeOf = (path: string): bigint => statSync(path, { bigint: true }).mtimeNs

describe('bundlePlugin with a cacheDir', () => {
  it('writes <name>-<hash>.js with a manifest and serves it again without rebuilding', async () => {
    const dir = fixture.plugin('my-plugin', GOOD_PLUGIN)
    const first = await bundlePlugin({ dir, cacheDir })
    const js = join(cacheDir, `my-plugin-${first.hash}.js`)
    const manifest = join(cacheDir, `my-plugin-${first.hash}.json`)

    expect(first.fromCache).toBe(false)
    expect(readFileSync(js, 'utf8')).toBe(first.code)
    expect(JSON.parse(readFileSync(manifest, 'utf8'))).toMatchObject({
      name: 'my-plugin',
      hash: first.hash,
      size: first.size,
    })
    const written = [mtimeOf(js), mtimeOf(manifest)]

    const second = await bundlePlugin({ dir, cacheDir })
    expect(second.fromCache).toBe(true)
    expect(second).toEqual({ ...first, fromCache: true })
    expect([mtimeOf(js), mtimeOf(manifest)]).toEqual(written)
  })

  it('rebuilds when an input changes, even to the same size, and drops the stale bundle', async () => {
    const dir = fixture.plugin('my-plugin', GOOD_PLUGIN)
    const first = await bundlePlugin({ dir, cacheDir })
    fixture.write({ 'my-plugin/lib/text.ts': GOOD_PLUGIN['lib/text.ts']!.replace('!', '?') })

    const second = await bundlePlugin({ dir, cacheDir })
    expect(second.fromCache).toBe(false)
    expect(second.hash).not.toBe(first.hash)
    expect(second.code).toContain('?`')
    expect(readdirSync(cacheDir).sort()).toEqual([
      `my-plugin-${second.hash}.js`,
      `my-plugin-${second.hash}.json`,
    ])
  })

  it('rebuilds when a file in node_modules changes', async () => {
    const dir = fixture.plugin('my-plugin', GOOD_PLUGIN)
    const first = await bundlePlugin({ dir, cacheDir })
    fixture.write({ 'my-plugin/node_modules/tiny-lib/index.js': 'module.exports = (text) => text\n' })
    const second = await bundlePlugin({ dir, cacheDir })
    expect(second.hash).not.toBe(first.hash)
    expect(second.code).toContain('module.exports = (text) => text')
  })

  it('never serves a stale bundle when an edit keeps size and mtime', async () => {
    const dir = fixture.plugin('my-plugin', GOOD_PLUGIN)
    const file = join(dir, 'lib/text.ts')
    // Whole seconds, so the same time can be set again exactly (the folder stamp stays equal).
    utimesSync(file, 1_700_000_000, 1_700_000_000)
    const first = await bundlePlugin({ dir, cacheDir })
    fixture.write({ 'my-plugin/lib/text.ts': GOOD_PLUGIN['lib/text.ts']!.replace('!', '#') })
    utimesSync(file, 1_700_000_000, 1_700_000_000)

    const second = await bundlePlugin({ dir, cacheDir })
    expect(second.fromCache).toBe(false)
    expect(second.hash).not.toBe(first.hash)
  })

  it('rebuilds when a new file changes what an import resolves to', async () => {
    const dir = fixture.plugin('my-plugin', {
      ...MINIMAL_PLUGIN,
      'handler.ts': 'import { where } from "./util"\nexport default { where }\n',
      'util.js': 'export const where = "util.js"\n',
    })
    await bundlePlugin({ dir, cacheDir })
    fixture.write({ 'my-plugin/util.ts': 'export const where = "util.ts"\n' })

    const second = await bundlePlugin({ dir, cacheDir })
    expect(second.fromCache).toBe(false)
    expect(second.code).toContain('"util.ts"')
  })

  it('rebuilds when a migration is added', async () => {
    const dir = fixture.plugin('my-plugin', MINIMAL_PLUGIN)
    await bundlePlugin({ dir, cacheDir })
    fixture.write({ 'my-plugin/migrations/000_base.ts': 'export default { up: [] }\n' })

    const second = await bundlePlugin({ dir, cacheDir })
    expect(second.fromCache).toBe(false)
    expect(second.modules.migrations).toEqual(['000_base'])
  })

  it('still hits when the cache lives inside the plugin folder', async () => {
    const dir = fixture.plugin('my-plugin', MINIMAL_PLUGIN)
    const inside = join(dir, '.cache')
    await bundlePlugin({ dir, cacheDir: inside })
    expect((await bundlePlugin({ dir, cacheDir: inside })).fromCache).toBe(true)
  })

  it('keeps bundles of two folders with the same name apart', async () => {
    const a = fixture.plugin('a/my-plugin', MINIMAL_PLUGIN)
    const b = fixture.plugin('b/my-plugin', {
      ...MINIMAL_PLUGIN,
      'handler.ts': 'export default { priority: 2 }\n',
    })
    const first = await bundlePlugin({ dir: a, cacheDir })
    const second = await bundlePlugin({ dir: b, cacheDir })
    expect((await bundlePlugin({ dir: a, cacheDir })).hash).toBe(first.hash)
    expect((await bundlePlugin({ dir: b, cacheDir })).fromCache).toBe(true)
    expect(existsSync(join(cacheDir, `my-plugin-${first.hash}.js`))).toBe(true)
    expect(existsSync(join(cacheDir, `my-plugin-${second.hash}.js`))).toBe(true)
  })

  it('writes nothing without a cacheDir, and never caches a failure', async () => {
    const dir = fixture.plugin('my-plugin', MINIMAL_PLUGIN)
    expect((await bundlePlugin({ dir })).fromCache).toBe(false)
    expect(existsSync(cacheDir)).toBe(false)

    fixture.write({ 'my-plugin/handler.ts': 'export default {\n' })
    await expect(bundlePlugin({ dir, cacheDir })).rejects.toMatchObject({ code: 'BUNDLE_SYNTAX' })
    await expect(bundlePlugin({ dir, cacheDir })).rejects.toMatchObject({ code: 'BUNDLE_SYNTAX' })
    expect(existsSync(cacheDir)).toBe(false)
  })
})
