import { symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BundleError, bundlePlugin, isBundleError } from './index.ts'
import { MINIMAL_PLUGIN, type PluginFixture, pluginFixture } from './plugin-fixture.ts'

let fixture: PluginFixture
beforeEach(() => {
  fixture = pluginFixture()
})
afterEach(() => fixture.remove())

/** Bundles `my-plugin` with the minimal files plus `files` and returns the BundleError it throws. */
async function refusal(files: Record<string, string>): Promise<BundleError> {
  const dir = fixture.plugin('my-plugin', { ...MINIMAL_PLUGIN, ...files })
  const error = await bundlePlugin({ dir }).then(
    () => null,
    (thrown: unknown) => thrown,
  )
  if (!isBundleError(error)) throw new Error(`expected a BundleError, got ${String(error)}`)
  expect(error).toBeInstanceOf(BundleError)
  expect(error.message).not.toContain('\n')
  return error
}

/** A handler whose third line imports `spec` and uses it, so the import cannot be dropped. */
function handlerImporting(spec: string): Record<string, string> {
  return {
    'handler.ts': `// line 1\n// line 2\nimport dep from ${JSON.stringify(spec)}\nexport default { dep }\n`,
  }
}

describe('bundlePlugin refuses', () => {
  it('Node built-ins', async () => {
    const error = await refusal(handlerImporting('fs'))
    expect(error.code).toBe('BUNDLE_FORBIDDEN_IMPORT')
    expect(error.message).toBe(
      'plugin my-plugin: handler.ts:3: import of "fs" is not allowed (Node built-ins are not available to plugins)',
    )
    expect(error.location).toEqual({ file: 'handler.ts', line: 3 })
  })

  it('Node built-ins with the node: prefix, also from a nested file and through require()', async () => {
    expect((await refusal(handlerImporting('node:fs'))).message).toBe(
      'plugin my-plugin: handler.ts:3: import of "node:fs" is not allowed (Node built-ins are not available to plugins)',
    )
    const nested = await refusal({
      'handler.ts': 'import { run } from "./lib/run.ts"\nexport default { run }\n',
      'lib/run.ts': 'export const run = () => 1\nexport const cp = require("node:child_process")\n',
    })
    expect(nested.message).toBe(
      'plugin my-plugin: lib/run.ts:2: import of "node:child_process" is not allowed (Node built-ins are not available to plugins)',
    )
  })

  it('built-ins required by a package in node_modules', async () => {
    const error = await refusal({
      ...handlerImporting('bad-lib'),
      'node_modules/bad-lib/index.js': 'module.exports = require("child_process").execSync\n',
    })
    expect(error.message).toBe(
      'plugin my-plugin: node_modules/bad-lib/index.js:1: import of "child_process" is not allowed (Node built-ins are not available to plugins)',
    )
  })

  it('relative imports that leave the plugin folder', async () => {
    fixture.write({ 'host/secret.ts': 'export default "secret"\n' })
    const error = await refusal(handlerImporting('../host/secret.ts'))
    expect(error.code).toBe('BUNDLE_FORBIDDEN_IMPORT')
    expect(error.message).toBe(
      'plugin my-plugin: handler.ts:3: import of "../host/secret.ts" is not allowed (it resolves outside the plugin folder)',
    )
    expect((await refusal(handlerImporting('../../host/errors/index.ts'))).message).toContain(
      '"../../host/errors/index.ts" is not allowed (it resolves outside the plugin folder)',
    )
  })

  it('a symlink inside the folder that points outside it', async () => {
    fixture.write({ 'host/secret.ts': 'export default "secret"\n' })
    const dir = fixture.plugin('my-plugin', { ...MINIMAL_PLUGIN, ...handlerImporting('./linked.ts') })
    symlinkSync(join(fixture.root, 'host/secret.ts'), join(dir, 'linked.ts'))
    const error = await bundlePlugin({ dir }).catch((thrown: unknown) => thrown)
    expect(isBundleError(error) && error.message).toBe(
      'plugin my-plugin: handler.ts:3: import of "./linked.ts" is not allowed (it resolves outside the plugin folder)',
    )
  })

  it('absolute paths, even to a file of the plugin itself', async () => {
    const dir = join(fixture.root, 'my-plugin')
    const spec = join(dir, 'schema.ts')
    const error = await refusal(handlerImporting(spec))
    expect(error.message).toBe(
      `plugin my-plugin: handler.ts:3: import of "${spec}" is not allowed (absolute paths are not allowed; import files of the plugin folder by relative path)`,
    )
    expect((await refusal(handlerImporting('file:///etc/hosts'))).message).toBe(
      'plugin my-plugin: handler.ts:3: import of "file:///etc/hosts" is not allowed (URL imports are not supported)',
    )
  })

  it("packages that are not in the plugin's own node_modules, even when a parent folder has them", async () => {
    expect((await refusal(handlerImporting('left-pad'))).message).toBe(
      `plugin my-plugin: handler.ts:3: import of "left-pad" is not allowed (package not found in the plugin's own node_modules)`,
    )
    fixture.write({ 'node_modules/outer-lib/index.js': 'module.exports = 1\n' })
    expect((await refusal(handlerImporting('outer-lib'))).message).toBe(
      `plugin my-plugin: handler.ts:3: import of "outer-lib" is not allowed (package not found in the plugin's own node_modules)`,
    )
  })

  it('isogate modules other than isogate/sdk', async () => {
    expect((await refusal(handlerImporting('isogate/host'))).message).toBe(
      'plugin my-plugin: handler.ts:3: import of "isogate/host" is not allowed (plugins may import only "isogate/sdk" from isogate)',
    )
  })

  it('relative imports of files that do not exist', async () => {
    const error = await refusal(handlerImporting('./nope.ts'))
    expect(error.code).toBe('BUNDLE_UNRESOLVED')
    expect(error.message).toBe(
      'plugin my-plugin: handler.ts:3: cannot resolve "./nope.ts" (no such file in the plugin folder)',
    )
  })

  it('a folder without handler.ts or schema.ts, naming which', async () => {
    const onlySchema = fixture.plugin('no-handler', { 'schema.ts': MINIMAL_PLUGIN['schema.ts']! })
    await expect(bundlePlugin({ dir: onlySchema })).rejects.toMatchObject({
      name: 'BundleError',
      code: 'BUNDLE_MISSING_FILE',
      message: 'plugin no-handler: missing handler.ts (a plugin folder needs handler.ts and schema.ts)',
    })
    const onlyHandler = fixture.plugin('no-schema', { 'handler.ts': MINIMAL_PLUGIN['handler.ts']! })
    await expect(bundlePlugin({ dir: onlyHandler })).rejects.toThrow(
      'plugin no-schema: missing schema.ts (a plugin folder needs handler.ts and schema.ts)',
    )
    const empty = fixture.plugin('empty', { 'README.md': '# nothing\n' })
    await expect(bundlePlugin({ dir: empty })).rejects.toThrow(
      'plugin empty: missing handler.ts and schema.ts (a plugin folder needs handler.ts and schema.ts)',
    )
  })

  it('a path that is not a folder', async () => {
    const missing = join(fixture.root, 'ghost')
    await expect(bundlePlugin({ dir: missing })).rejects.toMatchObject({
      code: 'BUNDLE_NOT_A_FOLDER',
      message: `plugin ghost: ${missing} is not a folder`,
    })
  })

  it('syntax errors, with file:line:column of the first one', async () => {
    const error = await refusal({
      'lib/broken.ts': 'export const ok = 1\nexport const broken = (a: number => a\n',
      'handler.ts': 'import { broken } from "./lib/broken.ts"\nexport default { broken }\n',
    })
    expect(error.code).toBe('BUNDLE_SYNTAX')
    expect(error.message).toBe('plugin my-plugin: lib/broken.ts:2:34: Expected ")" but found "=>"')
    expect(error.location).toEqual({ file: 'lib/broken.ts', line: 2, column: 34 })
  })

  it('imports of names a file does not export', async () => {
    const error = await refusal({
      'lib/a.ts': 'export const a = 1\n',
      'handler.ts': 'import { b } from "./lib/a.ts"\nexport default { b }\n',
    })
    expect(error.code).toBe('BUNDLE_SYNTAX')
    expect(error.message).toBe(
      'plugin my-plugin: handler.ts:1:10: No matching export in "lib/a.ts" for import "b"',
    )
  })
})

describe('bundlePlugin allows', () => {
  it("a package named like a built-in when the plugin's own node_modules has it", async () => {
    const dir = fixture.plugin('my-plugin', {
      ...MINIMAL_PLUGIN,
      ...handlerImporting('events'),
      'node_modules/events/index.js': 'module.exports = class EventEmitter {}\n',
    })
    const bundle = await bundlePlugin({ dir })
    expect(bundle.code).toContain('class EventEmitter')
  })
})
