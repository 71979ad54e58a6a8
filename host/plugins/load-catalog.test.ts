import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isUserError } from '../errors/index.ts'
import { loadPluginCatalog, nodePlugins, type PluginCatalog } from './index.ts'
import { type PluginDirs, type PluginSpec, pluginDirs } from './test-plugins.ts'

let dirs: PluginDirs
let bundled: string
beforeEach(() => {
  dirs = pluginDirs()
  bundled = join(dirs.root, 'bundled')
})
afterEach(() => dirs.remove())

const load = (plugins: string[], pluginPaths: string[] = []): Promise<PluginCatalog> =>
  loadPluginCatalog(
    { plugins, plugin_paths: pluginPaths },
    { cacheDir: join(dirs.root, 'cache'), bundledDir: bundled, meta: { timeoutMs: 500 } },
  )

async function loadError(
  plugins: string[],
  pluginPaths: string[] = [],
): Promise<{ code: string; message: string }> {
  try {
    await load(plugins, pluginPaths)
  } catch (error) {
    if (isUserError(error)) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected a UserError')
}

/** Loads one plugin `p` from the bundled folder and returns the one-line error. */
async function badPlugin(plugin: PluginSpec | Record<string, string>): Promise<string> {
  if ('handler.ts' in plugin) dirs.files('bundled', 'p', plugin as Record<string, string>)
  else dirs.add('bundled', 'p', plugin)
  const error = await loadError(['p'])
  expect(error.message).not.toContain('\n')
  return error.message
}

describe('loadPluginCatalog', () => {
  it('loads every bundled plugin folder with a handler.ts, in run order', async () => {
    dirs.add('bundled', 'b-auth', { priority: 1000, phases: ['access', 'log', 'header_filter'] })
    dirs.add('bundled', 'a-auth', { priority: 1000, version: '2.0.1', phases: ['rewrite', 'headerFilter'] })
    dirs.add('bundled', 'cors', { priority: 2000, phases: ['access', 'helper', 'response'] })
    dirs.files('bundled', 'not-a-plugin', { 'README.md': 'nothing here' })
    const catalog = await load(['bundled'])

    expect(catalog.plugins.map((plugin) => plugin.name)).toEqual(['cors', 'a-auth', 'b-auth'])
    expect(catalog.get('cors')).toMatchObject({
      name: 'cors',
      dir: join(bundled, 'cors'),
      priority: 2000,
      version: '1.0.0',
      phases: ['access', 'response'],
      schema: { name: 'cors', config: { type: 'object' } },
    })
    expect(catalog.get('a-auth')?.phases).toEqual(['rewrite', 'headerFilter'])
    expect(catalog.warnings).toEqual([
      'plugin b-auth: handler.header_filter is not a phase and never runs (did you mean headerFilter?)',
    ])
    expect(catalog.get('cors')?.bundle.code).toContain('__isogatePlugin')
    expect(catalog.get('nope')).toBeUndefined()
    expect(nodePlugins(catalog)).toEqual({
      'a-auth': { version: '2.0.1', priority: 1000 },
      'b-auth': { version: '1.0.0', priority: 1000 },
      cors: { version: '1.0.0', priority: 2000 },
    })
  })

  it('loads nothing for `off` (an empty list) and for a missing bundled folder', async () => {
    dirs.add('bundled', 'p')
    expect((await load([])).plugins).toEqual([])
    bundled = join(dirs.root, 'nowhere')
    expect((await load(['bundled'])).plugins).toEqual([])
  })

  it('finds other names in plugins/ first, then in plugin_paths in order', async () => {
    const first = dirs.add('one', 'shared', { priority: 1 })
    const second = dirs.add('two', 'shared', { priority: 2 })
    dirs.add('two', 'only-two', { priority: 3 })
    dirs.add('bundled', 'mine', { priority: 4 })
    dirs.add('one', 'mine', { priority: 5 })
    const catalog = await load(['only-two', 'shared', 'mine', 'shared'], [first, second])
    expect(catalog.plugins.map((plugin) => [plugin.name, plugin.priority])).toEqual([
      ['mine', 4],
      ['only-two', 3],
      ['shared', 1],
    ])
    expect(catalog.get('shared')?.dir).toBe(join(first, 'shared'))
  })

  it('refuses an unknown name with one line naming where it looked', async () => {
    const paths = dirs.add('extra', 'other')
    expect(await loadError(['bundled', 'nope'], [paths])).toEqual({
      code: 'PLUGIN_NOT_FOUND',
      message: `error loading plugin schemas: on plugin 'nope': nope plugin is enabled but not installed; no nope/handler.ts in ${bundled}, ${paths}`,
    })
  })

  it("refuses a bad PRIORITY with Kong's message", async () => {
    const message = (got: string) =>
      `error loading plugin schemas: on plugin 'p': Plugin "p" cannot be loaded because its PRIORITY field is not a valid integer number, got: "${got}".`
    expect(await badPlugin({ priority: 'abc' })).toBe(message('abc'))
    for (const [priority, got] of [
      [Number.NaN, 'NaN'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
      [1.5, '1.5'],
      [undefined, 'undefined'],
    ] as const) {
      dirs.files('bundled', 'p', {
        'handler.ts': `export default { priority: ${String(priority)}, version: '1.0.0' }\n`,
        'schema.ts': 'export default { name: "p", config: { type: "object" } }\n',
      })
      expect((await loadError(['p'])).message).toBe(message(got))
    }
  })

  it("refuses a bad VERSION with Kong's message", async () => {
    const message = (got: string) =>
      `error loading plugin schemas: on plugin 'p': Plugin "p" cannot be loaded because its VERSION field does not follow the "x.y.z" format, got: "${got}".`
    expect(await badPlugin({ version: '1.0.0.0' })).toBe(message('1.0.0.0'))
    dirs.add('bundled', 'p', { version: 123 })
    expect((await loadError(['p'])).message).toBe(message('123'))
    dirs.add('bundled', 'p', { version: '1.0' })
    expect((await loadError(['p'])).message).toBe(message('1.0'))
    dirs.files('bundled', 'p', {
      'handler.ts': 'export default { priority: 5 }\n',
      'schema.ts': 'export default { name: "p", config: { type: "object" } }\n',
    })
    expect((await loadError(['p'])).message).toBe(message('undefined'))
  })

  it('refuses a schema that is missing, misnamed, not an object schema, or that ajv cannot compile', async () => {
    const prefix = "error loading plugin schemas: on plugin 'p': "
    expect(
      await badPlugin({
        'handler.ts': 'export default { priority: 1, version: "1.0.0" }\n',
        'schema.ts': 'export {}\n',
      }),
    ).toBe(`${prefix}schema violation (name: required field missing)`)
    dirs.files('bundled', 'p', {
      'handler.ts': 'export default { priority: 1, version: "1.0.0" }\n',
      'schema.ts': 'export default 42\n',
    })
    expect((await loadError(['p'])).message).toBe(`${prefix}no configuration schema found for plugin: p`)
    dirs.add('bundled', 'p', { schema: { name: 'q' } })
    expect((await loadError(['p'])).message).toBe(
      `${prefix}schema violation (name: q does not match the plugin's folder name "p")`,
    )
    dirs.add('bundled', 'p', { config: { type: 'array' } })
    expect((await loadError(['p'])).message).toBe(
      `${prefix}schema violation (config: expected a JSON Schema object with type "object")`,
    )
    dirs.add('bundled', 'p', { schema: { colour: 'red' } })
    expect((await loadError(['p'])).message).toBe(`${prefix}schema violation (colour: unknown field)`)
    dirs.add('bundled', 'p', { schema: { noConsumer: 'yes' } })
    expect((await loadError(['p'])).message).toBe(
      `${prefix}schema violation (noConsumer: expected a boolean)`,
    )
    dirs.add('bundled', 'p', {
      config: { type: 'object', properties: { n: { type: 'integer', minimun: 1 } } },
    })
    expect((await loadError(['p'])).message).toBe(
      `${prefix}error initializing schema for plugin: strict mode: unknown keyword: "minimun"`,
    )
  })

  it('refuses a handler implementing response together with a filter', async () => {
    expect(await badPlugin({ phases: ['response', 'bodyFilter'] })).toBe(
      `error loading plugin schemas: on plugin 'p': Plugin "p" cannot be loaded because it implements response together with headerFilter/bodyFilter (response replaces both).`,
    )
  })

  it("passes on the bundler's and the metadata reader's one-line errors", async () => {
    expect(
      await badPlugin({
        'handler.ts': 'import fs from "node:fs"\nexport default { fs }\n',
        'schema.ts': 'export default { name: "p", config: { type: "object" } }\n',
      }),
    ).toBe(
      'plugin p: handler.ts:1: import of "node:fs" is not allowed (Node built-ins are not available to plugins)',
    )
    dirs.files('bundled', 'p', {
      'handler.ts': 'throw new Error("broken")\n',
      'schema.ts': 'export default { name: "p", config: { type: "object" } }\n',
    })
    expect(await loadError(['p'])).toEqual({
      code: 'PLUGIN_INVALID',
      message: 'plugin p: evaluating the bundle threw Error: broken',
    })
    dirs.files('bundled', 'p', {
      'handler.ts': 'while (true) {}\n',
      'schema.ts': 'export default { name: "p", config: { type: "object" } }\n',
    })
    expect((await loadError(['p'])).message).toBe('plugin p: reading its metadata took longer than 500 ms')
  })

  it('serves Kong-shaped schemas with the JSON Schema beside them', async () => {
    const config = {
      type: 'object',
      properties: { key_names: { type: 'array', items: { type: 'string' }, default: ['apikey'] } },
      additionalProperties: false,
    }
    dirs.add('bundled', 'key-auth', { config, schema: { noConsumer: true } })
    const catalog = await load(['bundled'])
    const schema = catalog.pluginSchema('key-auth') as {
      fields: Record<string, unknown>[]
      json_schema: unknown
    }
    expect(schema.fields.map((field) => Object.keys(field)[0])).toEqual(['consumer', 'protocols', 'config'])
    expect(schema.fields[0]).toEqual({ consumer: { type: 'foreign', reference: 'consumers', eq: null } })
    expect(schema.fields[2]).toEqual({
      config: {
        type: 'record',
        required: true,
        fields: [
          { key_names: { type: 'array', required: true, default: ['apikey'], elements: { type: 'string' } } },
        ],
      },
    })
    expect(schema.json_schema).toEqual(config)
    expect(catalog.pluginSchema('nope')).toBeUndefined()
    expect(catalog.get('key-auth')?.validate({})).toEqual({ ok: true, config: { key_names: ['apikey'] } })
  })
})
