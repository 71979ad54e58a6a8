import type { RequestState } from '../../runtime/protocol.ts'
import { BASE_SEPARATOR } from '../../runtime/protocol.ts'

/**
 * The request as it arrived, encoded once per request for every isolate's first call of it
 * (PhaseCall.base): its scalar parts as JSON, then the client's header lines as node:http received
 * them (`name\nvalue\n…`), which the prelude parses only when a plugin first reads a header.
 * Route, service, consumer, credential and kong.ctx.shared are not part of it: they go in the
 * call's delta (or are reused, PhaseCall.reuse). Null when a header line holds a line feed
 * (node:http's parser refuses those; an insecure parser would not): then the state goes as JSON.
 */
export function requestText(state: RequestState, rawHeaders: readonly string[]): string | null {
  for (let i = 1; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).includes('\n')) return null
  }
  const scalars = JSON.stringify({
    id: state.id,
    startedAt: state.startedAt,
    scheme: state.scheme,
    host: state.host,
    port: state.port,
    method: state.method,
    path: state.path,
    rawQuery: state.rawQuery,
    client: state.client,
    uriCaptures: state.uriCaptures,
    workspace: state.workspace,
    upstream: state.upstream,
    httpVersion: state.httpVersion,
  })
  return `${scalars}${BASE_SEPARATOR}${rawHeaders.join('\n')}`
}
