import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundlePlugin } from '../../runtime/bundle/index.ts'
import {
  createPluginIsolate,
  type IsolateHandle,
  type PluginIsolate,
  runPhase,
} from '../../runtime/isolate/index.ts'
import { preludeSource, requestState } from '../../runtime/prelude/index.ts'
import type { PhaseCall } from '../../runtime/protocol.ts'
import { writePluginFolders } from '../helpers/index.ts'

/**
 * How many crossings a phase call takes with the real prelude: the microtasks run before the
 * answer leaves the isolate, so an async handler needs a second crossing only to deliver host I/O.
 */
describe('crossings per phase call', () => {
  let root: string
  let isolate: PluginIsolate
  beforeAll(async () => {
    root = writePluginFolders({
      counted: {
        'schema.ts': 'export default { name: "counted", config: { type: "object" } }\n',
        'handler.ts': `export default {
  priority: 1,
  version: '1.0.0',
  async access(kong: any, conf: any) {
    if (conf.mode === 'io') {
      const a = await kong.crypto.randomUUID()
      const b = await kong.crypto.randomUUID()
      kong.service.request.setHeader('x-ids', a.length + ':' + b.length)
      return
    }
    await null
    await Promise.resolve()
    kong.service.request.setHeader('x-awaited', 'yes')
  },
}
`,
      },
    })
    const bundle = await bundlePlugin({ dir: join(root, 'counted') })
    isolate = await createPluginIsolate({
      memoryMb: 32,
      prelude: preludeSource(),
      plugins: [{ name: 'counted', code: bundle.code }],
      init: {
        kind: 'init',
        seq: 0,
        node: { id: 'n', hostname: 'h', version: '0' },
        workspace: { id: 'w', name: 'default' },
        trustedIps: [],
      },
    })
    isolate.dispatch(
      { kind: 'configure', seq: 0, plugin: 'counted', configs: { plain: {}, io: { mode: 'io' } } },
      1000,
    )
  })
  afterAll(() => {
    isolate?.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  async function run(config: string) {
    let crossings = 0
    const counting: IsolateHandle = {
      dispatch: (message, timeoutMs, tail) => {
        crossings++
        return isolate.dispatch(message, timeoutMs, tail)
      },
      cpuTimeMs: () => isolate.cpuTimeMs(),
      heap: () => isolate.heap(),
      get disposed() {
        return isolate.disposed
      },
      dispose: () => isolate.dispose(),
    }
    const call: PhaseCall = {
      kind: 'call',
      seq: 0,
      phase: 'access',
      rid: `r-${config}`,
      run: [{ plugin: 'counted', config }],
      state: requestState(),
      last: true,
      budgetMs: 100,
    }
    const io: string[] = []
    const { result } = await runPhase(counting, call, { cpuMs: 100, wallMs: 2000 }, async (request) => {
      io.push(request.op)
      return '00000000-0000-4000-8000-000000000000'
    })
    return { result, crossings, io }
  }

  it('finishes an async handler without host I/O in the crossing that started it', async () => {
    const { result, crossings } = await run('plain')
    expect(result.mutations).toEqual([{ op: 'service.request.setHeader', name: 'x-awaited', value: 'yes' }])
    expect(crossings).toBe(1)
  })

  it('needs one more crossing per round of host I/O, no more', async () => {
    const { result, crossings, io } = await run('io')
    expect(io).toEqual(['crypto', 'crypto'])
    expect(result.mutations).toEqual([{ op: 'service.request.setHeader', name: 'x-ids', value: '36:36' }])
    expect(crossings).toBe(3)
  })
})
