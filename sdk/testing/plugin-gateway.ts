import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { loadConfig } from '../../host/config/index.ts'
import { startEchoServer } from '../../host/echo/index.ts'
import { startGateway } from '../../host/gateway/index.ts'
import { type AdminCall, adminClient } from './admin-client.ts'

export interface PluginGatewayOptions {
  /** Plugin folders to load (each `<name>/handler.ts`...), besides the bundled ones named in `plugins`. */
  dirs: string[]
  /** Bundled plugins to load too (e.g. `['key-auth']`); default none. */
  bundled?: string[]
  /** Further configuration keys (`isolation`, `plugin_cpu_ms`, ...). */
  config?: Record<string, string | number | boolean>
}

export interface PluginGateway {
  /** `http://127.0.0.1:<port>` of the proxy. */
  proxyUrl: string
  adminUrl: string
  /** An echo upstream (answers JSON `{ method, path, query, headers, body }`), behind service `echo`. */
  upstreamUrl: string
  /** An Admin API call with a JSON body: status and parsed JSON (null when empty). */
  admin: AdminCall
  stop(): Promise<void>
}

/**
 * A real gateway for a plugin author's tests: the given plugin folders loaded through
 * `plugin_paths` (their daos.ts, migrations and api.ts included), SQLite in a temporary prefix,
 * proxy and Admin API on 127.0.0.1 with ports the OS picks, and an echo upstream behind a
 * service named `echo`. Everything is real; `stop()` removes it all.
 */
export async function startPluginGateway(options: PluginGatewayOptions): Promise<PluginGateway> {
  const folders = options.dirs.map((dir) => resolve(dir))
  const prefix = mkdtempSync(join(tmpdir(), 'isogate-plugin-gateway-'))
  const upstream = await startEchoServer()
  try {
    const config = loadConfig({
      cwd: prefix,
      env: {},
      overrides: {
        prefix,
        proxy_listen: '127.0.0.1:0',
        admin_listen: '127.0.0.1:0',
        status_listen: 'off',
        proxy_access_log: 'off',
        log_level: 'crit',
        plugins: [...(options.bundled ?? []), ...folders.map((dir) => basename(dir))].join(','),
        plugin_paths: [...new Set(folders.map((dir) => dirname(dir)))].join(','),
        ...options.config,
      },
    })
    const gateway = await startGateway(config, { workers: 'local' })
    const adminUrl = `http://127.0.0.1:${gateway.addresses.admin[0]?.port}`
    const admin = adminClient(adminUrl)
    await admin('POST', '/services', { name: 'echo', url: upstream.url })
    return {
      proxyUrl: `http://127.0.0.1:${gateway.addresses.proxy[0]?.port}`,
      adminUrl,
      upstreamUrl: upstream.url,
      admin,
      async stop() {
        await gateway.stop(1_000)
        await upstream.close()
        rmSync(prefix, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await upstream.close()
    rmSync(prefix, { recursive: true, force: true })
    throw error
  }
}
