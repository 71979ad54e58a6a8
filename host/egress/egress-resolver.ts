import { Resolver } from 'node:dns/promises'
import type { IpAddress } from './ip-address.ts'
import { parseIp } from './ip-address.ts'

/** c-ares' per-try timeout and tries: a slow name fails in ~4 s, not the wall time. */
const TIMEOUT_MS = 2000
const TRIES = 2
const LOOPBACK: IpAddress[] = [{ groups: [0x7f00, 1] }, { groups: [0, 0, 0, 0, 0, 0, 0, 1] }]

/** A failed lookup, with the getaddrinfo-style code the proxy's error table knows (503). */
class LookupError extends Error {
  constructor(
    readonly code: string,
    name: string,
  ) {
    super(`${name} could not be resolved (${code})`)
    this.name = 'LookupError'
  }
}

/**
 * Resolves the names plugins connect to with c-ares (`dns.Resolver`), never getaddrinfo: libuv's
 * four threads serve every getaddrinfo of the process, and a tenant's slow names must not take
 * them from everyone else. Uses `dns_resolver` when set. `localhost` and `*.localhost` are
 * loopback without asking anyone (RFC 6761), as getaddrinfo would answer them.
 */
export class EgressResolver {
  private readonly resolver = new Resolver({ timeout: TIMEOUT_MS, tries: TRIES })

  constructor(servers: readonly string[]) {
    if (servers.length > 0) this.resolver.setServers([...servers])
  }

  /** Every A and AAAA address of `name` (IPv4 first); rejects when there is none. */
  async resolve(name: string): Promise<IpAddress[]> {
    if (name === 'localhost' || name.endsWith('.localhost')) return LOOPBACK
    const [v4, v6] = await Promise.allSettled([this.resolver.resolve4(name), this.resolver.resolve6(name)])
    const addresses: IpAddress[] = []
    for (const result of [v4, v6]) {
      if (result.status !== 'fulfilled') continue
      for (const text of result.value) {
        const address = parseIp(text)
        if (address) addresses.push(address)
      }
    }
    if (addresses.length > 0) return addresses
    const failure = v4.status === 'rejected' ? (v4.reason as { code?: unknown }) : null
    throw new LookupError(failure?.code === 'ETIMEOUT' ? 'EAI_AGAIN' : 'ENOTFOUND', name)
  }

  cancel(): void {
    this.resolver.cancel()
  }
}
