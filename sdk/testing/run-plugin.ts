import { hostname } from 'node:os'
import { type ChainOptions, configureIfChanged, LearnedPhases, RequestModel } from '../../host/chain/index.ts'
import { entityInfo } from '../../host/data/index.ts'
import { PLUGIN_READABLE_SCHEMAS, type PluginEntity } from '../../host/entities/index.ts'
import { VERSION } from '../../host/gateway/index.ts'
import { createPluginIsolate } from '../../runtime/isolate/index.ts'
import { preludeSource } from '../../runtime/prelude/index.ts'
import type { Headers } from '../../runtime/protocol.ts'
import { PluginConfigError } from './config-error.ts'
import { fakeRequestState, lowerCased, WORKSPACE } from './fake-request.ts'
import { loadPluginFolder } from './load-plugin-folder.ts'
import { PluginExchange } from './plugin-exchange.ts'
import { RecordingLogger } from './recording-logger.ts'
import type { PluginRunResult, RunPluginOptions } from './types.ts'

/** The gateway's defaults (isolate_memory_mb, plugin_cpu_ms, plugin_wall_ms). */
const DEFAULTS = { memoryMb: 64, cpuMs: 100, wallMs: 5000 }
const INSTANCE_ID = '00000000-0000-4000-8000-0000000000a1'
/** Framing is the gateway's business: its value depends on how the answer is written. */
const FRAMING = ['content-length', 'transfer-encoding']

/**
 * Runs one plugin folder against one fake request the way the gateway would: the folder loaded by
 * the node's plugin catalog code, `config` validated by the plugin's schema (defaults filled; a
 * PluginConfigError with Kong's field errors when refused), a real isolate with the real prelude,
 * `configure`, then rewrite and access, the fake upstream (skipped on an exit), the buffered
 * `response` phase or the header and body filters, and log. The isolate is always disposed.
 */
export async function runPlugin(options: RunPluginOptions): Promise<PluginRunResult> {
  const { plugin } = await loadPluginFolder(options.dir)
  const checked = plugin.validate(options.config ?? {})
  if (!checked.ok) throw new PluginConfigError(plugin.name, checked.errors)
  const recorder = new RecordingLogger()
  const chainOptions: ChainOptions = {
    isolation: 'plugin',
    memoryMb: options.memoryMb ?? DEFAULTS.memoryMb,
    cpuMs: options.cpuMs ?? DEFAULTS.cpuMs,
    wallMs: options.wallMs ?? DEFAULTS.wallMs,
    node: { id: '00000000-0000-4000-8000-0000000000b1', hostname: hostname(), version: VERSION },
    trustedIps: [],
    maxBodyBytes: 0,
    logger: recorder.logger,
  }
  const isolate = await createPluginIsolate({
    memoryMb: chainOptions.memoryMb,
    prelude: preludeSource(),
    plugins: [{ name: plugin.name, code: plugin.bundle.code }],
    init: {
      kind: 'init',
      seq: 0,
      node: chainOptions.node,
      workspace: { ...WORKSPACE },
      trustedIps: [],
      // kong.db has its usual shape; its calls fail with a message that points to startPluginGateway.
      entities: [
        ...PLUGIN_READABLE_SCHEMAS.map((schema) => entityInfo(schema, null)),
        ...plugin.daos.map((schema) => entityInfo(schema, plugin.name)),
      ],
    },
  })
  try {
    const configs = { [INSTANCE_ID]: checked.config }
    const configured = configureIfChanged(isolate, new Map(), plugin.name, configs, chainOptions.wallMs)
    // The phases this configuration needs (the handler's `phases(config)`), checked as the gateway does.
    const needs = new LearnedPhases()
    const warning = needs.learn(plugin, configs, configured?.phases)
    if (warning !== null) {
      chainOptions.logger.warn(
        warning,
        'phases(config) answer refused: those configurations run every phase their handler has',
      )
    }
    const request = options.request ?? {}
    const upstream = options.upstreamResponse ?? {}
    const exchange = new PluginExchange({
      model: new RequestModel(fakeRequestState(request)),
      entry: { plugin, instance: instance(plugin.name, checked.config) },
      needs,
      session: { key: plugin.name, lease: { isolate, release: () => {} }, cpu: new Map() },
      options: chainOptions,
      requestBody: Buffer.from(request.body ?? ''),
      upstream: {
        status: upstream.status ?? 200,
        headers: lowerCased(upstream.headers),
        body: upstream.body ?? '',
      },
    })
    const outcome = await exchange.run()
    return {
      status: outcome.answer.status,
      headers: clientHeaders(outcome.answer.headers),
      body: outcome.answer.body.toString('utf8'),
      upstream: outcome.upstream,
      exit: outcome.exit,
      logs: recorder.pluginLines(),
      error: recorder.firstFailure(),
    }
  } finally {
    isolate.dispose()
  }
}

/** The plugin entity of the run: a global instance of the workspace. */
function instance(name: string, config: Record<string, unknown>): PluginEntity {
  const now = Math.floor(Date.now() / 1000)
  return {
    id: INSTANCE_ID,
    ws_id: WORKSPACE.id,
    created_at: now,
    updated_at: now,
    name,
    instance_name: null,
    route: null,
    service: null,
    consumer: null,
    config,
    protocols: ['http', 'https'],
    enabled: true,
    tags: null,
    ordering: null,
  }
}

/** As a client sees them: names lower-cased, no framing. */
function clientHeaders(headers: Headers): Headers {
  const out = lowerCased(headers)
  for (const name of FRAMING) delete out[name]
  return out
}
