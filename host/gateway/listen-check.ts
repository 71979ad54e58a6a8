import { createServer } from 'node:net'
import type { Config, ListenAddress } from '../config/index.ts'
import { keyError, type UserError } from '../errors/index.ts'

export type ListenKey = 'proxy_listen' | 'admin_listen' | 'status_listen'

const LISTEN_KEYS: readonly ListenKey[] = ['proxy_listen', 'admin_listen', 'status_listen']

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'address not available on this host',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name not found',
}

export function showAddress(address: ListenAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`
}

/**
 * A failed bind as an operator mistake naming the key and address
 * (`proxy_listen 127.0.0.1:8000: address already in use`); null when it is not a bind error.
 */
export function listenError(key: ListenKey, address: ListenAddress, error: unknown): UserError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code
  const reason = code === undefined ? undefined : REASONS[code]
  return reason === undefined ? null : keyError('LISTEN_FAILED', key, showAddress(address), reason)
}

/**
 * Binds and releases every fixed address of the three `*_listen` keys, so a port in use stops
 * `start` before plugins load and workers fork (they would find out seconds later). Port 0 always binds.
 */
export async function listenProblems(config: Config): Promise<UserError[]> {
  const problems: UserError[] = []
  const seen = new Map<string, ListenKey>()
  for (const key of LISTEN_KEYS) {
    for (const address of config[key]) {
      if (address.port === 0) continue
      // Each probe releases its port: an address given twice would pass them all.
      const shown = showAddress(address)
      const first = seen.get(shown)
      if (first !== undefined) {
        problems.push(keyError('LISTEN_FAILED', key, shown, `address already used by ${first}`))
        continue
      }
      seen.set(shown, key)
      const error = await tryBind(address)
      if (error === null) continue
      const problem = listenError(key, address, error)
      if (problem === null) throw error
      problems.push(problem)
    }
  }
  return problems
}

function tryBind(address: ListenAddress): Promise<unknown> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', resolve)
    // exclusive: a cluster primary would otherwise keep the handle for its workers.
    server.listen({ host: address.host, port: address.port, exclusive: true }, () =>
      server.close(() => resolve(null)),
    )
  })
}
