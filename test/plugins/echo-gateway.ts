import { type EchoServer, startEchoServer } from '../../host/echo/index.ts'
import { startTestGateway, type TestGateway } from '../helpers/index.ts'

/** What the echo upstream answers: the request as it arrived. */
export interface Echoed {
  method: string
  path: string
  query: string
  headers: Record<string, string | string[]>
  body: string
}

export interface EchoGateway {
  gw: TestGateway
  upstream: EchoServer
  /**
   * A route on `/<name>` to the echo upstream with one plugin instance on it (created through the
   * Admin API, so its config is validated and defaulted as an operator's would be).
   */
  routeWith(name: string, plugin: string, config: Record<string, unknown>): Promise<void>
  stop(): Promise<void>
}

/** A real gateway with every bundled plugin and an echo upstream behind service `echo`. */
export async function startEchoGateway(): Promise<EchoGateway> {
  const upstream = await startEchoServer()
  const gw = await startTestGateway({ plugins: 'bundled' })
  const service = await gw.admin('POST', '/services', { name: 'echo', url: upstream.url })
  if (service.status !== 201) throw new Error(`service: ${JSON.stringify(service.body)}`)
  return {
    gw,
    upstream,
    async routeWith(name, plugin, config) {
      const route = await gw.admin('POST', '/services/echo/routes', { name, paths: [`/${name}`] })
      if (route.status !== 201) throw new Error(`route: ${JSON.stringify(route.body)}`)
      const created = await gw.admin('POST', `/routes/${name}/plugins`, { name: plugin, config })
      if (created.status !== 201) throw new Error(`plugin: ${JSON.stringify(created.body)}`)
    },
    async stop() {
      await gw.stop()
      await upstream.close()
    },
  }
}
