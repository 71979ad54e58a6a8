import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ListenAddress, loadConfig } from '../../host/config/index.ts'
import { type Gateway, startGateway } from '../../host/gateway/index.ts'
import { createLogger } from '../../host/log/index.ts'
import type { IsolateFactory } from '../../runtime/isolate/index.ts'

export interface TestGateway {
  gateway: Gateway
  prefix: string
  proxyUrl: string
  adminUrl: string
  statusUrl: string
  /** Admin API call with a JSON body; answers status and parsed JSON (null for empty bodies). */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>
  /** Error-log lines (parsed JSON) when started with `captureLogs`. */
  logs: Record<string, unknown>[]
  stop(): Promise<void>
}

const url = (address: ListenAddress | undefined) => (address ? `http://127.0.0.1:${address.port}` : '')

/**
 * A real gateway in this process (proxy included) on 127.0.0.1 with ports picked by the OS, its
 * own temporary prefix and SQLite file. `overrides` are configuration keys (`plugin_cpu_ms` is 2000
 * here unless given); `createIsolate` lets a test watch the isolates the workers build.
 */
export async function startTestGateway(
  overrides: Record<string, string | number | boolean> = {},
  options: { captureLogs?: boolean; createIsolate?: IsolateFactory } = {},
): Promise<TestGateway> {
  const prefix = mkdtempSync(join(tmpdir(), 'isogate-test-'))
  const config = loadConfig({
    cwd: prefix,
    env: {},
    overrides: {
      prefix,
      proxy_listen: '127.0.0.1:0',
      admin_listen: '127.0.0.1:0',
      status_listen: '127.0.0.1:0',
      proxy_access_log: 'off',
      log_level: options.captureLogs ? 'info' : 'crit',
      // Generous: on a busy machine a legitimate plugin must not become a cpu_limit. Tests about
      // limits set their own, with plugins that could not finish in any time.
      plugin_cpu_ms: 2000,
      ...overrides,
    },
  })
  const logs: Record<string, unknown>[] = []
  const logger = options.captureLogs
    ? createLogger(config, { write: (line: string) => logs.push(JSON.parse(line)) })
    : undefined
  const gateway = await startGateway(config, {
    workers: 'local',
    ...(logger ? { logger } : {}),
    ...(options.createIsolate ? { createIsolate: options.createIsolate } : {}),
  })
  const adminUrl = url(gateway.addresses.admin[0])
  return {
    gateway,
    prefix,
    proxyUrl: url(gateway.addresses.proxy[0]),
    adminUrl,
    statusUrl: url(gateway.addresses.status[0]),
    logs,
    async admin(method, path, body) {
      const response = await fetch(adminUrl + path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await response.text()
      return { status: response.status, body: text ? JSON.parse(text) : null }
    },
    async stop() {
      await gateway.stop(1_000)
      rmSync(prefix, { recursive: true, force: true })
    },
  }
}
