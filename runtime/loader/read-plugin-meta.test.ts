import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundlePlugin } from '../bundle/index.ts'
import { isPluginMetaError, type PluginMetaError, readPluginMeta } from './index.ts'

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'isogate-loader-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const SCHEMA = 'export default { name: "p", config: { type: "object" } }\n'
let count = 0

/** Bundles a plugin folder made of `handler.ts` (and `schema.ts`, a minimal one unless given). */
async function bundle(
  handler: string,
  schema = SCHEMA,
  extra: Record<string, string> = {},
): Promise<{ name: string; code: string }> {
  const dir = join(root, `p${count++}`, 'p')
  for (const [file, text] of Object.entries({ 'handler.ts': handler, 'schema.ts': schema, ...extra })) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  return bundlePlugin({ dir })
}

async function failure(promise: Promise<unknown>): Promise<PluginMetaError> {
  try {
    await promise
  } catch (error) {
    if (isPluginMetaError(error)) return error
    throw error
  }
  throw new Error('expected a PluginMetaError')
}

const quick = { timeoutMs: 300 }

describe('readPluginMeta', () => {
  it('copies out priority, version, implemented methods and the JSON schema', async () => {
    const meta = await readPluginMeta(
      await bundle(
        `class Base { log() {} }
class Handler extends Base {
  priority = 900
  version = '2.1.0'
  access() {}
  helper = () => 1
  notAFunction = 3
}
export default new Handler()
`,
        `const config = { type: 'object', properties: { n: { type: 'integer', default: 3 } }, fn() {} }
export default { name: 'p', config, noConsumer: true, when: new Date(0) }
`,
      ),
    )
    expect(meta).toEqual({
      priority: 900,
      version: '2.1.0',
      phases: ['helper', 'access', 'log'],
      schema: {
        name: 'p',
        config: { type: 'object', properties: { n: { type: 'integer', default: 3 } } },
        noConsumer: true,
        when: '1970-01-01T00:00:00.000Z',
      },
      daos: null,
      migrations: [],
      api: null,
    })
  })

  it('copies out daos.ts and the migrations as data, and the paths and methods of api.ts', async () => {
    const meta = await readPluginMeta(
      await bundle('export default { priority: 1, version: "1.0.0" }\n', SCHEMA, {
        'daos.ts': 'export default [{ name: "things", primaryKey: ["id"], fields: [], check() {} }]\n',
        'migrations/000_base.ts': 'export default { up: [{ createTable: "things", columns: {} }] }\n',
        'migrations/001_more.ts': 'export const up = []\n',
        'api.ts':
          'export default { "/things/:id": { GET() {}, async DELETE() {} }, "/things": { POST: () => 1 } }\n',
      }),
    )
    expect(meta.daos).toEqual([{ name: 'things', primaryKey: ['id'], fields: [] }])
    expect(meta.migrations).toEqual([
      { name: '000_base', value: { up: [{ createTable: 'things', columns: {} }] } },
      { name: '001_more', value: { up: [] } },
    ])
    expect(meta.api).toEqual([
      { path: '/things/:id', methods: ['GET', 'DELETE'] },
      { path: '/things', methods: ['POST'] },
    ])
  })

  it('names the file when daos, a migration or api.ts cannot be read', async () => {
    const handler = 'export default { priority: 1, version: "1.0.0" }\n'
    const cyclic = await failure(
      readPluginMeta(
        await bundle(handler, SCHEMA, { 'daos.ts': 'const d: any = {}\nd.d = d\nexport default d\n' }),
      ),
    )
    expect(cyclic.message).toMatch(/^plugin p: daos\.ts is not JSON-serialisable: TypeError: /)
    const migration = await failure(
      readPluginMeta(
        await bundle(handler, SCHEMA, { 'migrations/000_x.ts': 'export default { up: [1n] }\n' }),
      ),
    )
    expect(migration.message).toMatch(/^plugin p: migrations\/000_x\.ts is not JSON-serialisable/)
    const api = await failure(
      readPluginMeta(await bundle(handler, SCHEMA, { 'api.ts': 'export default { "/x": { GET: 3 } }\n' })),
    )
    expect(api.message).toBe('plugin p: api.ts: /x GET is not a function')
  })

  it('describes priorities and versions that are not plain numbers or strings', async () => {
    const meta = await readPluginMeta(
      await bundle('export default { priority: NaN, version: 1, access() {} }\n'),
    )
    expect(meta).toMatchObject({ priority: 'NaN', version: 1, phases: ['access'] })
    const other = await readPluginMeta(await bundle('export default { priority: -Infinity, version: {} }\n'))
    expect(other).toMatchObject({ priority: '-Infinity', version: 'an object', phases: [] })
    const missing = await readPluginMeta(await bundle('export const access = () => 1\n'))
    expect(missing).toMatchObject({ priority: 'undefined', version: 'undefined', phases: ['access'] })
  })

  it('gives null when the schema module exports nothing serialisable', async () => {
    const meta = await readPluginMeta(
      await bundle('export default { priority: 1, version: "1.0.0" }\n', 'export default () => 1\n'),
    )
    expect(meta.schema).toBeNull()
  })

  it('reports a bundle that throws at top level', async () => {
    const error = await failure(
      readPluginMeta(await bundle('throw new TypeError("no\\nway")\nexport default {}\n')),
    )
    expect(error.code).toBe('META_EVALUATION')
    expect(error.message).toBe('plugin p: evaluating the bundle threw TypeError: no way')
  })

  it('reports a handler that is not an object, a throwing getter, and a schema JSON cannot hold', async () => {
    expect((await failure(readPluginMeta(await bundle('export default 42\n')))).message).toBe(
      'plugin p: handler.ts does not export an object (got 42)',
    )
    const getter = await failure(
      readPluginMeta(await bundle('export default { get priority() { throw new Error("nope") } }\n')),
    )
    expect(getter).toMatchObject({
      code: 'META_READ',
      message: 'plugin p: reading the handler threw Error: nope',
    })
    const cyclic = await failure(
      readPluginMeta(
        await bundle(
          'export default { priority: 1 }\n',
          'const s: any = { name: "p" }\ns.self = s\nexport default s\n',
        ),
      ),
    )
    expect(cyclic.code).toBe('META_READ')
    expect(cyclic.message).toMatch(/^plugin p: the schema is not JSON-serialisable: TypeError: /)
    const big = await failure(
      readPluginMeta(await bundle('export default {}\n', 'export default { n: BigInt(1) }\n')),
    )
    expect(big.code).toBe('META_READ')
  })

  it('stops an infinite loop at top level, in a getter, in toJSON and in microtasks', async () => {
    const top = await failure(readPluginMeta(await bundle('for (;;) {}\nexport default {}\n'), quick))
    expect(top).toMatchObject({
      code: 'META_TIMEOUT',
      message: 'plugin p: reading its metadata took longer than 300 ms',
    })
    const getter = await failure(
      readPluginMeta(await bundle('export default { get version() { for (;;) {} } }\n'), quick),
    )
    expect(getter.code).toBe('META_TIMEOUT')
    const toJson = await failure(
      readPluginMeta(
        await bundle('export default {}\n', 'export default { toJSON() { while (true) {} } }\n'),
        quick,
      ),
    )
    expect(toJson.code).toBe('META_TIMEOUT')
    const microtasks = await failure(
      readPluginMeta(
        await bundle(
          'const spin = (): void => { Promise.resolve().then(spin) }\nspin()\nexport default {}\n',
        ),
        quick,
      ),
    )
    expect(microtasks.code).toBe('META_TIMEOUT')
  })

  it('ends a read that hangs its reader process (a poisoned unhandled rejection) with an error', async () => {
    // isolated-vm reads a left-over rejection's getters with no timeout; the reader is then killed.
    // Where it reads nothing there, the throw after it is reported instead.
    const error = await failure(
      readPluginMeta(
        await bundle(
          'void Promise.reject({ get message() { for (;;) {} }, get stack() { for (;;) {} } })\n' +
            "if (globalThis) throw new Error('after')\nexport default {}\n",
        ),
        quick,
      ),
    )
    expect(['META_TIMEOUT', 'META_EVALUATION']).toContain(error.code)
    expect(error.message).toMatch(/^plugin p: reading its metadata /)
    // The next read gets a reader of its own.
    expect(
      (await readPluginMeta(await bundle('export default { priority: 1, version: "1.0.0" }\n'))).priority,
    ).toBe(1)
  })

  it('keeps successful reads beside the bundles for the next process, never failures', async () => {
    const cacheDir = join(root, 'meta-cache')
    mkdirSync(cacheDir)
    const good = await bundle('export default { priority: 7, version: "1.0.0" }\n')
    expect((await readPluginMeta(good, { cacheDir })).priority).toBe(7)
    expect(readdirSync(cacheDir).filter((file) => /^meta-[0-9a-f]{64}\.json$/.test(file))).toHaveLength(1)
    await failure(readPluginMeta(await bundle("throw new Error('no')\nexport default {}\n"), { cacheDir }))
    expect(readdirSync(cacheDir)).toHaveLength(1)
  })

  it('stops a bundle that exhausts its heap', async () => {
    const error = await failure(
      readPluginMeta(
        await bundle(
          'const keep: string[] = []\nfor (;;) keep.push("x".repeat(1e5) + keep.length)\nexport default {}\n',
        ),
        { memoryMb: 16, timeoutMs: 10_000 },
      ),
    )
    expect(error.code).toBe('META_MEMORY')
  })

  it('never trusts a bundle that tampers with the built-ins it shares with the extractor', async () => {
    const error = await failure(
      readPluginMeta(
        await bundle(
          'Object.defineProperty(Object.prototype, "toJSON", { value() { return 7 } })\nexport default { priority: 1 }\n',
        ),
      ),
    )
    expect(error).toMatchObject({ code: 'META_READ' })
  })

  it('leaves nothing of the host reachable inside', async () => {
    const meta = await readPluginMeta(
      await bundle(
        `const g = globalThis as any
export default {
  priority: 1,
  version: [typeof g.$0, typeof g.require, typeof g.process, typeof g.ivm, Object.keys(g).length].join(','),
}
`,
      ),
    )
    expect(meta.version).toBe('undefined,undefined,undefined,undefined,1')
  })

  it('loads plugins hardened: no WebAssembly (it ignores memoryLimit)', async () => {
    const error = await failure(
      readPluginMeta(
        await bundle(
          'const m = new WebAssembly.Memory({ initial: 30000 })\nexport default { priority: 1, version: "1.0.0", m }\n',
        ),
        quick,
      ),
    )
    expect(error.code).toBe('META_EVALUATION')
    expect(error.message).toMatch(/WebAssembly/)
  })
})
