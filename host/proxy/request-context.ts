import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RouteMatch } from '../router/types.ts'
import type { RequestPhase } from './connection-stats.ts'
import type { PluginRequestInfo } from './plugin-hooks.ts'
import type { PluginRun } from './plugin-run.ts'

/**
 * Everything the gateway records about one request while it runs; read by the access log. It is
 * also the `PluginRequestInfo` handed to `PluginHooks.begin`, so asking the plugins costs no
 * allocation.
 */
export interface RequestContext extends PluginRequestInfo {
  req: IncomingMessage
  res: ServerResponse
  phase: RequestPhase
  requestId: string
  clientIp: string
  /** performance.now() and Date.now() when the request arrived. */
  startedAt: number
  startedAtMs: number
  /** Host without port, lower-cased; raw path without the query; set once the target is parsed. */
  host: string
  path: string
  /** Raw query without `?`: filled in only when plugins are asked about the request. */
  rawQuery: string
  match: RouteMatch | null
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
  /** The request's plugin work, null when no plugin has anything to do for it. */
  plugin: PluginRun | null
}
