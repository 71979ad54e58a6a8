import { access, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from 'undici'
import { loadConfig } from '../../host/config/index.ts'
import { UserError } from '../../host/errors/index.ts'
import { startGateway } from '../../host/gateway/index.ts'
import { bundledPluginsDir } from '../../host/plugins/index.ts'
import { adminClient } from './admin-client.ts'
import { PluginConfigError } from './config-error.ts'
import { clientRequest } from './fake-request.ts'
import { type FakeUpstream, startFakeUpstream } from './fake-upstream.ts'
import { loadPluginFolder } from './load-plugin-folder.ts'
import { RecordingLogger } from './recording-logger.ts'
import { clientHeaders, upstreamHeaders } from './result-headers.ts'
import { AUTHENTICATED_AS, RESPONSE_SOURCE, seedGateway } from './seed-gateway.ts'
import type { PluginRunResult, RunPluginOptions } from './types.ts'

/** The gateway's defaults (isolate_memory_mb, plugin_cpu_ms, plugin_wall_ms). */
const DEFAULTS = { memoryMb: 64, cpuMs: 100, wallMs: 5000 }
const HELPERS_DIR = fileURLToPath(new URL('./plugins', import.meta.url))
/** The router's answer when nothing matched (host/router): the test's route and request disagree. */
const NO_ROUTE = 'no Route matched with those values'

/**
 * Runs one plugin folder against one request in a real gateway started for this call alone: the
 * folder loaded by the node's plugin catalog code, `config` validated by the plugin's schema first
 * (a PluginConfigError with Kong's field errors when refused), SQLite in memory, the service,
 * route, consumer and `entities` rows created through the Admin API, the plugin configured
 * globally in `isolation = plugin`, and the request sent over HTTP through the proxy to a loopback
 * fake upstream. Every phase, hand-off, limit and failure answer is the gateway's own; the gateway,
 * the upstream and the temporary folders are removed when it returns or throws.
 */
export async function runPlugin(options: RunPluginOptions): Promise<PluginRunResult> {
  const prefix = await mkdtemp(join(tmpdir(), 'isogate-run-plugin-'))
  let upstream: FakeUpstream | undefined
  let stopGateway = async () => {}
  try {
    // Bundled into the gateway's own cache: the gateway's catalog finds it there and does not bundle again.
    const { plugin } = await loadPluginFolder(options.dir, { cacheDir: join(prefix, 'bundles') })
    const checked = plugin.validate(options.config ?? {})
    if (!checked.ok) throw new PluginConfigError(plugin.name, checked.errors)
    await refuseTakenName(plugin.name, plugin.dir)
    const wallMs = options.wallMs ?? DEFAULTS.wallMs
    const recorder = new RecordingLogger()
    upstream = await startFakeUpstream(options.upstreamResponse ?? {})
    const config = loadConfig({
      cwd: prefix,
      env: {},
      overrides: {
        prefix,
        sqlite_path: ':memory:',
        proxy_listen: '127.0.0.1:0',
        admin_listen: '127.0.0.1:0',
        status_listen: 'off',
        proxy_access_log: 'off',
        isolation: 'plugin',
        isolate_memory_mb: options.memoryMb ?? DEFAULTS.memoryMb,
        plugin_cpu_ms: options.cpuMs ?? DEFAULTS.cpuMs,
        plugin_wall_ms: wallMs,
        plugins: [plugin.name, AUTHENTICATED_AS, RESPONSE_SOURCE].join(','),
        plugin_paths: [dirname(plugin.dir), HELPERS_DIR].join(','),
      },
    })
    const gateway = await startGateway(config, { workers: 'local', logger: recorder.logger })
    stopGateway = () => gateway.stop(0)
    const admin = adminClient(`http://127.0.0.1:${gateway.addresses.admin[0]?.port}`)
    await seedGateway(gateway, admin, plugin.name, options, upstream.url)

    const request = clientRequest(options.request ?? {})
    const client = new Client(`http://127.0.0.1:${gateway.addresses.proxy[0]?.port}`)
    const answer = await client
      .request({ method: request.method, path: request.target, headers: request.headers, body: request.body })
      .then(async (response) => ({ ...response, body: await response.body.text() }))
      .finally(() => client.close())
    const received = upstream.received()
    if (answer.statusCode === 404 && received === null && answer.body.includes(NO_ROUTE)) {
      throw new Error('runPlugin: the request does not match request.route (the gateway answered 404)')
    }
    // The response-source helper logs last, once every plugin's log phase has ended.
    const source = await recorder.firstLineOf(RESPONSE_SOURCE, wallMs + 1_000)
    return {
      status: answer.statusCode,
      headers: clientHeaders(answer.headers, options.upstreamResponse?.headers),
      body: answer.body,
      upstream: received === null ? null : { ...received, headers: upstreamHeaders(received.headers) },
      exit: source === 'exit',
      logs: recorder.pluginLines(plugin.name),
      error: recorder.firstFailure(),
    }
  } finally {
    await stopGateway()
    await upstream?.close()
    await rm(prefix, { recursive: true, force: true })
  }
}

/**
 * A node looks names up in the bundled plugins first, and runPlugin's helpers share the gateway:
 * a folder named like either would not be what runs.
 */
async function refuseTakenName(name: string, dir: string): Promise<void> {
  if (name === AUTHENTICATED_AS || name === RESPONSE_SOURCE) {
    throw new UserError('PLUGIN_INVALID', `runPlugin: ${name} is the name of one of runPlugin's own plugins`)
  }
  const bundled = join(bundledPluginsDir(), name)
  if (resolve(dir) === bundled) return
  const exists = await access(join(bundled, 'handler.ts')).then(
    () => true,
    () => false,
  )
  if (exists) {
    throw new UserError(
      'PLUGIN_INVALID',
      `runPlugin: ${name} is a bundled plugin's name; rename the folder ${dir}`,
    )
  }
}
