import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { bundlePlugin } from './bundle-plugin.ts'
import { extractSourceMap } from './index.ts'
import { isInside } from './labels.ts'
import { MINIMAL_PLUGIN, type PluginFixture, pluginFixture } from './plugin-fixture.ts'
import { defaultSdk, type SdkLocation } from './sdk-location.ts'

let fixture: PluginFixture
beforeEach(() => {
  fixture = pluginFixture()
})
afterEach(() => fixture.remove())

const USES_SDK = {
  ...MINIMAL_PLUGIN,
  'handler.ts': 'import * as sdk from "isogate/sdk"\nexport default { sdk }\n',
}

/** A stand-in SDK folder under the fixture root, next to a `host/` folder it must not reach. */
function fakeSdk(files: Record<string, string>): SdkLocation {
  fixture.write({ 'host/secret.ts': 'export const secret = "host"\n' })
  fixture.write(Object.fromEntries(Object.entries(files).map(([path, text]) => [join('sdk', path), text])))
  const dir = join(fixture.root, 'sdk')
  return { dir, entry: join(dir, 'index.ts') }
}

/** Every import specifier in a TypeScript source, type-only ones included. */
function specifiersOf(source: string): string[] {
  const pattern = /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g
  return [...source.matchAll(pattern)].map((match) => (match[1] ?? match[2])!)
}

describe('the SDK boundary', () => {
  it('the real sdk/index.ts and everything it imports (types included) stay inside sdk/', () => {
    const sdk = defaultSdk()
    const pending = [sdk.entry]
    const seen = new Set<string>()
    for (let steps = 0; pending.length > 0 && steps < 1000; steps++) {
      const file = pending.pop()!
      if (seen.has(file)) continue
      seen.add(file)
      for (const spec of specifiersOf(readFileSync(file, 'utf8'))) {
        const where = `${relative(sdk.dir, file)} imports "${spec}"`
        expect(
          spec.startsWith('./') || spec.startsWith('../'),
          `${where}: the SDK may import only its own files`,
        ).toBe(true)
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts')
        expect(
          isInside(target, sdk.dir),
          `${where}: that is outside sdk/ (host code must not reach plugins)`,
        ).toBe(true)
        pending.push(existsSync(target) ? target : `${target}.ts`)
      }
    }
    expect(pending).toEqual([])
  })

  it('a plugin importing the real SDK by value bundles with SDK sources only', async () => {
    const bundle = await bundlePlugin({ dir: fixture.plugin('my-plugin', USES_SDK) })
    const sources = extractSourceMap(bundle.code)?.sources ?? []
    expect(sources.filter((source) => source.startsWith('isogate-sdk:'))).toContain('isogate-sdk:index.ts')
    expect(
      sources.every((source) => /^(isogate-sdk:|isogate:entry$|handler\.ts$|schema\.ts$)/.test(source)),
    ).toBe(true)
  })

  it('fails loudly when the SDK imports host code', async () => {
    const sdk = fakeSdk({
      'index.ts': 'import { secret } from "../host/secret.ts"\nexport const leaked = secret\n',
    })
    await expect(bundlePlugin({ dir: fixture.plugin('my-plugin', USES_SDK) }, sdk)).rejects.toMatchObject({
      code: 'BUNDLE_FORBIDDEN_IMPORT',
      message:
        'plugin my-plugin: isogate-sdk:index.ts:1: import of "../host/secret.ts" is not allowed (the SDK may import only files of its own folder, never host code or packages)',
    })
  })

  it('fails loudly when the SDK imports a package', async () => {
    const sdk = fakeSdk({ 'index.ts': 'import { Hono } from "hono"\nexport const app = Hono\n' })
    await expect(bundlePlugin({ dir: fixture.plugin('my-plugin', USES_SDK) }, sdk)).rejects.toThrow(
      'plugin my-plugin: isogate-sdk:index.ts:1: import of "hono" is not allowed (the SDK may import only',
    )
  })

  it('lets the SDK import its own files', async () => {
    const sdk = fakeSdk({
      'index.ts': 'export { helper } from "./helpers/helper.js"\n',
      'helpers/helper.ts': 'export const helper = (): string => "from the sdk"\n',
    })
    const bundle = await bundlePlugin({ dir: fixture.plugin('my-plugin', USES_SDK) }, sdk)
    expect(bundle.code).toContain('"from the sdk"')
    expect(extractSourceMap(bundle.code)?.sources).toContain('isogate-sdk:helpers/helper.ts')
    expect(bundle.code).not.toContain(fixture.root)
  })
})
