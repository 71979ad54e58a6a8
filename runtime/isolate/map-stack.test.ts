import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundlePlugin } from '../bundle/index.ts'
import { FAKE_PRELUDE, INIT, phaseCall } from './fake-prelude.fixture.ts'
import { bundleFilename, createPluginIsolate, isIsolateError, mapStack } from './index.ts'

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'isogate-map-stack-'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function bundle(name: string, files: Record<string, string>): Promise<{ name: string; code: string }> {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name, path)), { recursive: true })
    writeFileSync(join(root, name, path), contents)
  }
  const built = await bundlePlugin({ dir: join(root, name) })
  return { name, code: built.code }
}

const SCHEMA = 'export default { name: "my-plugin", config: { type: "object" } }\n'

describe('mapStack', () => {
  it('maps a throwing plugin to its .ts files and lines', async () => {
    const plugin = await bundle('my-plugin', {
      'schema.ts': SCHEMA,
      'lib/explode.ts': [
        'export function explode(message: string): never {',
        '  throw new Error(message)',
        '}',
        '',
      ].join('\n'),
      'handler.ts': [
        "import { explode } from './lib/explode.js'",
        '',
        'export default {',
        '  priority: 1,',
        "  version: '1.0.0',",
        '  access(): void {',
        "    explode('boom')",
        '  },',
        '}',
        '',
      ].join('\n'),
    })
    const isolate = await createPluginIsolate({
      memoryMb: 32,
      prelude: FAKE_PRELUDE,
      plugins: [plugin],
      init: INIT,
    })
    try {
      const outcome = isolate.dispatch(phaseCall('access', 'r1', 'my-plugin'), 1000).outcomes[0]
      expect(outcome?.status).toBe('error')
      const stack = outcome?.error?.stack ?? ''
      expect(stack).toContain(bundleFilename('my-plugin'))
      const mapped = mapStack(stack, [plugin])
      console.log(`mapped stack:\n${mapped}`)
      expect(mapped.split('\n')[0]).toBe('Error: boom')
      expect(mapped).toMatch(/at explode \(my-plugin\/lib\/explode\.ts:2:\d+\)/)
      expect(mapped).toMatch(/my-plugin\/handler\.ts:7:\d+/)
      expect(mapped).not.toContain(bundleFilename('my-plugin'))
      expect(mapped).not.toContain(root)
    } finally {
      isolate.dispose()
    }
  })

  it('names the plugin and maps the line when a bundle throws while loading', async () => {
    const plugin = await bundle('bad-load', {
      'schema.ts': SCHEMA,
      'handler.ts': [
        'const ready = false',
        '',
        "if (!ready) throw new RangeError('not ready')",
        '',
        'export default {}',
        '',
      ].join('\n'),
    })
    const error = await createPluginIsolate({
      memoryMb: 32,
      prelude: FAKE_PRELUDE,
      plugins: [plugin],
      init: INIT,
    }).catch((caught: unknown) => caught)
    expect(isIsolateError(error) && error.code).toBe('exception')
    expect(isIsolateError(error) && error.plugin).toBe('bad-load')
    expect((error as Error).message).toMatch(/plugin bad-load threw while loading: not ready/)
    const mapped = mapStack((error as Error).stack ?? '', [plugin])
    expect(mapped).toMatch(/bad-load\/handler\.ts:3:\d+/)
    expect(mapped).not.toMatch(/\/(tmp|work|home)\//)
  })

  it('drops host frames and everything past the isolated-vm boundary', () => {
    const stack = [
      'Error: x',
      `    at access (${bundleFilename('nomap')}:1:10)`,
      '    at isogate:prelude:3:4',
      '    at load (/srv/isogate/host/proxy/chain.ts:10:2)',
      '    at file:///srv/isogate/x.js:1:1',
      '    at node:internal/process/task_queues:95:5',
      '    at (<isolated-vm boundary>)',
      '    at run (/srv/isogate/runtime/isolate/run-phase.ts:1:1)',
    ].join('\n')
    expect(mapStack(stack, [{ name: 'nomap', code: 'no source map here' }])).toBe(
      ['Error: x', `    at access (${bundleFilename('nomap')}:1:10)`, '    at isogate:prelude:3:4'].join(
        '\n',
      ),
    )
  })
})
