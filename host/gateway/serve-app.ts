import type { Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import type { Hono } from 'hono'
import type { ListenAddress } from '../config/index.ts'
import { addOwnListener, removeOwnListener } from '../egress/index.ts'
import { lingerOnEarlyClose } from './lingering-close.ts'
import { type ListenKey, listenError } from './listen-check.ts'

export interface ServedApp {
  addresses: ListenAddress[]
  close(): Promise<void>
}

/**
 * Serves a Hono app (Admin API, status) on every address of a `*_listen` key (a failed bind is a
 * UserError naming it). Its ports join the node's own listeners, which no plugin-chosen target may
 * reach (host/egress). A connection closed after an early answer (a 413) lingers, so a client
 * still sending gets the answer (lingering-close.ts).
 */
export async function serveApp(
  app: Hono,
  addresses: readonly ListenAddress[],
  key: ListenKey,
): Promise<ServedApp> {
  const servers: Server[] = []
  const endLingering: (() => void)[] = []
  const bound: ListenAddress[] = []
  const unregister = () => {
    for (const address of bound) removeOwnListener(address.port)
  }
  try {
    for (const address of addresses) {
      const server = createAdaptorServer({ fetch: app.fetch }) as Server
      endLingering.push(lingerOnEarlyClose(server))
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error) => reject(listenError(key, address, error) ?? error))
        server.listen(address.port, address.host, () => resolve())
      })
      servers.push(server)
      const info = server.address()
      bound.push({ host: address.host, port: typeof info === 'object' && info ? info.port : address.port })
      addOwnListener(bound[bound.length - 1]!.port)
    }
  } catch (error) {
    await closeAll(servers, endLingering)
    unregister()
    throw error
  }
  return { addresses: bound, close: () => closeAll(servers, endLingering).finally(unregister) }
}

async function closeAll(servers: Server[], endLingering: (() => void)[]): Promise<void> {
  const closed = Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeIdleConnections()
        }),
    ),
  )
  for (const end of endLingering) end()
  await closed
}
