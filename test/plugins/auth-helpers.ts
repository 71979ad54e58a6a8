import { rmSync } from 'node:fs'
import { request } from 'undici'
import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { startTestGateway, type TestGateway, writePluginFolders } from '../helpers/index.ts'

/**
 * A test plugin that runs before every auth plugin: with `x-pre-auth: <consumer id or username>`
 * it authenticates the request as that consumer (with a credential of its own), as a first auth
 * plugin of a "logical OR" would, and tells the upstream in `x-pre-authenticated`.
 */
const PRE_AUTH = {
  'schema.ts': `export default { name: 'pre-auth', config: { type: 'object', properties: {}, additionalProperties: false } }\n`,
  'handler.ts': `export default {
  priority: 100000,
  version: '1.0.0',
  async access(kong) {
    const who = kong.request.getHeader('x-pre-auth')
    if (!who) return
    const consumer = await kong.client.loadConsumer(who, true)
    kong.client.authenticate(consumer, { id: 'pre-auth-credential' })
    kong.service.request.setHeader('x-pre-authenticated', consumer ? consumer.username : 'nobody')
  },
}
`,
}

/** A proxied answer: the upstream's echo (as JSON) when it got that far. */
export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: any
}

export interface SendOptions {
  method?: string
  headers?: Record<string, string | string[]>
  body?: string
}

export interface AuthGateway {
  gw: TestGateway
  upstream: EchoServer
  /** Creates a workspace with its own echo service (the default workspace has one from the start). */
  workspace(name: string): Promise<void>
  /** A route on `/<name>` to the echo service with these plugin instances (name → config). */
  route(name: string, plugins: Record<string, Record<string, unknown>>, ws?: string): Promise<void>
  /** Admin API call in a workspace (`''` is the default one); throws unless it answers `expect`. */
  create(path: string, body: unknown, ws?: string): Promise<any>
  send(path: string, options?: SendOptions): Promise<Answer>
  stop(): Promise<void>
}

const prefixed = (ws: string | undefined, path: string) => (ws ? `/${ws}${path}` : path)

/**
 * A real gateway running only the named plugins plus `pre-auth` (so half-written plugins elsewhere
 * in the tree cannot stop it), in the given isolation mode, with an echo upstream.
 */
export async function startAuthGateway(
  plugins: string,
  isolation: 'plugin' | 'workspace',
): Promise<AuthGateway> {
  const pluginPaths = writePluginFolders({ 'pre-auth': PRE_AUTH })
  const upstream = await startEchoServer()
  const gw = await startTestGateway({ plugins: `${plugins},pre-auth`, plugin_paths: pluginPaths, isolation })
  const create = async (path: string, body: unknown, ws?: string) => {
    const answer = await gw.admin('POST', prefixed(ws, path), body)
    if (answer.status !== 201)
      throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
    return answer.body
  }
  await create('/services', { name: 'echo', url: upstream.url })
  return {
    gw,
    upstream,
    create,
    async workspace(name) {
      await create('/workspaces', { name })
      await create('/services', { name: 'echo', url: upstream.url }, name)
    },
    async route(name, instances, ws) {
      await create('/services/echo/routes', { name, paths: [`/${name}`] }, ws)
      for (const [plugin, config] of Object.entries(instances)) {
        await create(`/routes/${name}/plugins`, { name: plugin, config }, ws)
      }
    },
    async send(path, options = {}) {
      const res = await request(gw.proxyUrl + path, {
        method: (options.method ?? 'GET') as 'GET',
        headers: options.headers ?? {},
        body: options.body,
      })
      const text = await res.body.text()
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // Not JSON: kept as text.
      }
      return { status: res.statusCode, headers: res.headers, body }
    },
    async stop() {
      await gw.stop()
      await upstream.close()
      rmSync(pluginPaths, { recursive: true, force: true })
    },
  }
}

/** A multipart/form-data body of string fields, with its Content-Type. */
export function multipart(fields: Record<string, string>): { body: string; contentType: string } {
  const boundary = 'isogate-test-boundary'
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  )
  return {
    body: `${parts.join('')}--${boundary}--\r\n`,
    contentType: `multipart/form-data; boundary=${boundary}`,
  }
}
