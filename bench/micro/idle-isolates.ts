/**
 * RSS per idle plugin isolate: builds isolates the way a worker does (prelude, one bundled plugin,
 * configured, one access call so its code has run), keeps them alive, and reads this process's
 * RSS after a full GC at each count. Prints one JSON line:
 * `{ plugin, baselineMb, counts: [{ count, rssMb, perIsolateMb }] }`.
 */
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { bundlePlugin } from '../../runtime/bundle/index.ts'
import { createPluginIsolate, type PluginIsolate, runPhase } from '../../runtime/isolate/index.ts'
import { preludeSource, requestState } from '../../runtime/prelude/index.ts'

const counts = (process.argv[2] ?? '1,100').split(',').map(Number)
const PLUGIN = 'request-transformer'
const CONFIG = {
  http_method: null,
  remove: { headers: [], querystring: [], body: [] },
  rename: { headers: [], querystring: [], body: [] },
  replace: { uri: null, headers: [], querystring: [], body: [] },
  add: { headers: ['x-bench:1'], querystring: [], body: [] },
  append: { headers: [], querystring: [], body: [] },
}

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const rssMb = () => {
  gc()
  gc()
  return process.memoryUsage().rss / 2 ** 20
}

const bundle = await bundlePlugin({
  dir: fileURLToPath(new URL(`../../plugins/${PLUGIN}/`, import.meta.url)),
})
const prelude = preludeSource()
const kept: PluginIsolate[] = []
async function build(i: number): Promise<void> {
  const isolate = await createPluginIsolate({
    memoryMb: 64,
    prelude,
    plugins: [{ name: PLUGIN, code: bundle.code }],
    init: {
      kind: 'init',
      seq: 0,
      node: { id: 'bench', hostname: 'bench', version: '0' },
      workspace: { id: `ws-${i}`, name: `ws-${i}` },
      trustedIps: [],
    },
  })
  isolate.dispatch({ kind: 'configure', seq: 0, plugin: PLUGIN, configs: { c: CONFIG } }, 1000)
  const state = requestState()
  await runPhase(
    isolate,
    {
      kind: 'call',
      seq: 0,
      phase: 'access',
      rid: state.id,
      run: [{ plugin: PLUGIN, config: 'c' }],
      state,
      last: true,
      budgetMs: 100,
    },
    { cpuMs: 100, wallMs: 5000 },
    async () => null,
  )
  kept.push(isolate)
}

// The first isolate pays for code shared by all (isolated-vm, the compile cache): built before the baseline.
await build(-1)
const baselineMb = rssMb()
const out: { count: number; rssMb: number; perIsolateMb: number }[] = []
for (const count of counts) {
  while (kept.length - 1 < count) await build(kept.length)
  const rss = rssMb()
  out.push({ count, rssMb: Math.round(rss), perIsolateMb: Number(((rss - baselineMb) / count).toFixed(2)) })
}
process.stdout.write(
  `${JSON.stringify({ plugin: PLUGIN, baselineMb: Math.round(baselineMb), counts: out })}\n`,
)
for (const isolate of kept) isolate.dispose()
