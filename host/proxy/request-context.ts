import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RequestPhase } from './connection-stats.ts'

/** Everything the gateway records about one request while it runs; read by the access log. */
export interface RequestContext {
  req: IncomingMessage
  res: ServerResponse
  phase: RequestPhase
  requestId: string
  clientIp: string
  /** performance.now() and Date.now() when the request arrived. */
  startedAt: number
  startedAtMs: number
  routeId: string | null
  serviceId: string | null
  workspaceId: string | null
  upstreamUri: string | null
  /** Upstream attempts made. */
  tries: number
  /** performance.now() when the last upstream attempt started, null when none was made. */
  attemptAt: number | null
  /** performance.now() when the upstream answered (headers) or the last attempt failed. */
  upstreamDoneAt: number | null
  /** Set while an upstream exchange runs: told when the client goes away. */
  upstream: { clientClosed(): void } | null
}
