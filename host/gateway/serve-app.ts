import type { Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import type { Hono } from 'hono'
import type { ListenAddress } from '../config/index.ts'
import { addOwnListener, removeOwnListener } from '../egress/index.ts'

export interface ServedApp {
  addresses: ListenAddress[]
  close(): Promise<void>
}

/**
 * Serves a Hono app (Admin API, status) on every address of a `*_listen` key. Its ports join the
 * node's own listeners, which no plugin-chosen target may reach (host/egress).
 */
export async function serveApp(app: Hono, addresses: readonly ListenAddress[]): Promise<ServedApp> {
  const servers: Server[] = []
  const bound: ListenAddress[] = []
  const unregister = () => {
    for (const address of bound) removeOwnListener(address.port)
  }
  try {
    for (const address of addresses) {
      const server = createAdaptorServer({ fetch: app.fetch }) as Server
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(address.port, address.host, () => resolve())
      })
      servers.push(server)
      const info = server.address()
      bound.push({ host: address.host, port: typeof info === 'object' && info ? info.port : address.port })
      addOwnListener(bound[bound.length - 1]!.port)
    }
  } catch (error) {
    await closeAll(servers)
    unregister()
    throw error
  }
  return { addresses: bound, close: () => closeAll(servers).finally(unregister) }
}

async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeIdleConnections()
        }),
    ),
  )
}
