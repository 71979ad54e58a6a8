/**
 * Why a plugin-caused connection was not made: `egress_denied` (the policy refused the address,
 * 500) or `egress_busy` (the workspace's lookups or sockets are at their cap, 503). `code` is
 * what the proxy's error table reads; `target` is `host:port` as the plugin named it.
 */
export class EgressError extends Error {
  constructor(
    readonly code: 'egress_denied' | 'egress_busy',
    readonly target: string,
    message: string,
  ) {
    super(message)
    this.name = 'EgressError'
  }
}

/** A connection from an operator's service into this node's own proxy port (a loop). */
export class ProxyLoopError extends Error {
  readonly code = 'proxy_loop'
  constructor(target: string) {
    super(`${target} is this node's own proxy listener`)
    this.name = 'ProxyLoopError'
  }
}
