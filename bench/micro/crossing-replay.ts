/**
 * Dev figure: the isolate side of a chain's phase calls, replayed in a loop on one real isolate
 * (isolation = workspace): the host's own callIsolate with a RequestModel per request, bundled
 * plugins, no HTTP. Prints host CPU µs per request (process.cpuUsage, the crossing runs on this
 * thread) and the isolate's own share (cpuTime). `IN_PROCESS=1` runs the same prelude in a node:vm
 * context instead (bench/in-process), to profile the prelude by name.
 *
 *     node --no-node-snapshot --import tsx bench/micro/crossing-replay.ts [requests] [plugin,plugin|none]
 */
import { hostname } from 'node:os'
import { fileURLToPath } from 'node:url'
import {
  type ChainOptions,
  callIsolate,
  configureIfChanged,
  RequestModel,
  requestText,
} from '../../host/chain/index.ts'
import { createLogger } from '../../host/log/index.ts'
import { createPluginIsolate } from '../../runtime/isolate/index.ts'
import { preludeSource, requestState } from '../../runtime/prelude/index.ts'
import { loadPluginFolder } from '../../sdk/testing/index.ts'
import { createInProcessIsolate } from '../in-process/index.ts'

const n = Number(process.argv[2] ?? 20000)
const only = process.argv[3]
const names: [string, Record<string, unknown>][] = [
  ['correlation-id', {}],
  ['cors', { origins: ['*'] }],
  ['request-transformer', { add: { headers: ['x-bench:1'] } }],
]
const plugins = await Promise.all(
  names.map(async ([name, config]) => {
    const { plugin } = await loadPluginFolder(
      fileURLToPath(new URL(`../../plugins/${name}`, import.meta.url)),
    )
    const checked = plugin.validate(config)
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors))
    return { plugin, config: checked.config }
  }),
)
const options: ChainOptions = {
  isolation: 'workspace',
  memoryMb: 64,
  cpuMs: 100,
  wallMs: 5000,
  node: { id: '00000000-0000-4000-8000-0000000000b1', hostname: hostname(), version: '0.1.0' },
  trustedIps: [],
  maxBodyBytes: 0,
  logger: createLogger({ log_level: 'crit' } as never),
}
const create = process.env.IN_PROCESS ? createInProcessIsolate : createPluginIsolate
const isolate = await create({
  memoryMb: 64,
  prelude: preludeSource(),
  plugins: plugins.map(({ plugin }) => ({ name: plugin.name, code: plugin.bundle.code })),
  init: {
    kind: 'init',
    seq: 0,
    node: options.node,
    workspace: { id: 'ws-1', name: 'default' },
    trustedIps: [],
  },
})
const entries = plugins.map(({ plugin, config }, i) => {
  const id = `00000000-0000-4000-8000-00000000000${i}`
  configureIfChanged(isolate, new Map(), plugin.name, { [id]: config }, 5000)
  return { plugin, instance: { id, name: plugin.name, config } }
}) as never[]
if (only !== undefined)
  entries.splice(
    0,
    entries.length,
    ...entries.filter((e: { plugin: { name: string } }) => only.split(',').includes(e.plugin.name)),
  )
const raw = [
  'Host',
  'example.com',
  'User-Agent',
  'bench',
  'Accept',
  '*/*',
  'apikey',
  'bench-key',
  'Origin',
  'http://a.example',
]

// As the worker's call plans: one frozen run per phase, shared by every request.
const planned = (entries as { plugin: { name: string }; instance: { id: string } }[]).map((e) =>
  Object.freeze({ plugin: e.plugin.name, config: e.instance.id }),
)
const run = Object.freeze(planned)
// One route and service info per configuration, as the worker's.
const entities = requestState()

async function one(i: number): Promise<void> {
  const state = requestState({ id: `r${i}`, headers: {}, route: entities.route, service: entities.service })
  for (let h = 0; h < raw.length; h += 2)
    state.headers[(raw[h] as string).toLowerCase()] = raw[h + 1] as string
  const model = new RequestModel(state, () => requestText(state, raw))
  const session = { key: 'ws', lease: { isolate, release: () => {} }, cpu: new Map() }
  const io = async () => null
  const failure = await callIsolate(session as never, model, 'access', entries, options, io, {
    last: false,
    run,
  })
  if (failure) throw new Error(JSON.stringify(failure))
  model.state.response = { status: 200, headers: { 'content-type': 'application/json' }, source: 'service' }
  const f2 = await callIsolate(session as never, model, 'headerFilter', entries, options, io, {
    last: true,
    run,
  })
  if (f2) throw new Error(JSON.stringify(f2))
}

for (let i = 0; i < 2000; i++) await one(i)
const cpu0 = process.cpuUsage()
const iso0 = isolate.cpuTimeMs()
const t0 = performance.now()
for (let i = 0; i < n; i++) await one(i + 2000)
const wall = performance.now() - t0
const cpu = process.cpuUsage(cpu0)
console.log(
  `${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU/request (2 crossings), isolate ${(((isolate.cpuTimeMs() - iso0) * 1000) / n).toFixed(1)} µs, wall ${((wall * 1000) / n).toFixed(1)} µs`,
)
isolate.dispose()
