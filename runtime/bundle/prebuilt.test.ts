import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GOOD_PLUGIN } from './good-plugin.fixture.ts'
import { bundlePlugin } from './index.ts'
import { type PluginFixture, pluginFixture } from './plugin-fixture.ts'

let fixture: PluginFixture
beforeEach(() => {
  fixture = pluginFixture()
})
afterEach(() => fixture.remove())

/** esbuild service processes this process started (children running the esbuild binary). */
function esbuildChildren(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
        return ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('esbuild')
      } catch {
        return false
      }
    })
    .map(Number)
}

describe('bundles made ahead of time (the package’s dist/bundles)', () => {
  it('serves an unchanged plugin from another folder’s prebuilt bundle, and builds a changed one', async () => {
    const built = fixture.plugin('my-plugin', GOOD_PLUGIN)
    const prebuiltDir = join(fixture.root, 'prebuilt')
    const made = await bundlePlugin({ dir: built, cacheDir: prebuiltDir })
    // The same plugin installed elsewhere (another path, other mtimes), with a cache of its own.
    const copy = pluginFixture()
    try {
      const installed = copy.plugin('my-plugin', GOOD_PLUGIN)
      const served = await bundlePlugin({ dir: installed, cacheDir: join(copy.root, 'cache'), prebuiltDir })
      expect(served.fromCache).toBe(true)
      expect(served.code).toBe(made.code)
      expect(served.dir).toBe(installed)
      writeFileSync(join(installed, 'handler.ts'), `${GOOD_PLUGIN['handler.ts']}\n// changed\n`)
      const rebuilt = await bundlePlugin({ dir: installed, cacheDir: join(copy.root, 'cache'), prebuiltDir })
      expect(rebuilt.fromCache).toBe(false)
      expect(rebuilt.hash).not.toBe(made.hash)
    } finally {
      copy.remove()
    }
  })

  it('leaves no esbuild service process running once bundling is idle', async () => {
    await bundlePlugin({ dir: fixture.plugin('my-plugin', GOOD_PLUGIN) })
    for (let i = 0; i < 100 && esbuildChildren().length > 0; i++) await sleep(100)
    expect(esbuildChildren()).toEqual([])
  })
})
