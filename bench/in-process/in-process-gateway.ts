import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../host/config/index.ts'
import { type Gateway, startGateway } from '../../host/gateway/index.ts'
import { createLogger } from '../../host/log/index.ts'
import type { IsolateFactory } from '../../runtime/isolate/index.ts'
import { adminPost, configurePlugins, prepareColdStart } from '../plugin-figures.ts'
import { createInProcessIsolate } from './in-process-isolate.ts'

export interface InProcessGateway {
  gateway: Gateway
  proxyUrl: string
  adminUrl: string
  statusUrl: string
  /** Stops the gateway and removes its temporary prefix. */
  stop(): Promise<void>
}

/**
 * A gateway in this process whose plugins run through createInProcessIsolate (no isolation),
 * configured as the isolate contenders are: `isolation = workspace` (the whole chain in one call
 * per phase), the cold start's workspace, one service to `upstream` with a catch-all route and the
 * five BENCH_PLUGINS, all through the Admin API. Listeners on 127.0.0.1 with OS-picked ports,
 * access log off, warnings to stderr (stdout carries the contender's one JSON line).
 * `createIsolate` lets a test watch what is built; it defaults to createInProcessIsolate.
 */
export async function startInProcessGateway(
  upstream: string,
  createIsolate: IsolateFactory = createInProcessIsolate,
): Promise<InProcessGateway> {
  const prefix = mkdtempSync(join(tmpdir(), 'isogate-in-process-'))
  let gateway: Gateway | undefined
  const stop = async () => {
    await gateway?.stop(1_000)
    rmSync(prefix, { recursive: true, force: true })
  }
  try {
    const config = loadConfig({
      cwd: prefix,
      env: {},
      overrides: {
        prefix,
        proxy_listen: '127.0.0.1:0',
        admin_listen: '127.0.0.1:0',
        status_listen: '127.0.0.1:0',
        proxy_access_log: 'off',
        log_level: 'warn',
        isolation: 'workspace',
      },
    })
    const logger = createLogger(config, { write: (line: string) => process.stderr.write(line) })
    gateway = await startGateway(config, { workers: 'local', logger, createIsolate })
    const url = (port: number | undefined) => `http://127.0.0.1:${port ?? 0}`
    const adminUrl = url(gateway.addresses.admin[0]?.port)
    await prepareColdStart(adminUrl, upstream)
    await adminPost(adminUrl, '/services', { name: 'bench', url: upstream })
    await adminPost(adminUrl, '/services/bench/routes', { paths: ['/'] })
    await configurePlugins(adminUrl)
    return {
      gateway,
      proxyUrl: url(gateway.addresses.proxy[0]?.port),
      adminUrl,
      statusUrl: url(gateway.addresses.status[0]?.port),
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
