import type { GatewayAnswer } from '../proxy/index.ts'
import { assign } from './apply-mutations.ts'
import type { RequestModel } from './request-model.ts'

const MESSAGES = {
  500: 'An unexpected error occurred',
  503: 'The upstream server is currently unavailable',
} as const

/** What a request the workspace scheduler refused is told (with `Retry-After`): the worker, not the upstream, is busy. */
const BUSY = 'The gateway is busy, retry later'

/**
 * The gateway's answer when a plugin failed: Kong's JSON body, never the plugin's error text. With
 * `retryAfter` (s), a call the workspace scheduler refused: 503 with `Retry-After`.
 */
export function errorAnswer(status: 500 | 503, retryAfter?: number): GatewayAnswer & { body: Buffer } {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter)
  return {
    status,
    headers,
    body: Buffer.from(JSON.stringify({ message: retryAfter === undefined ? MESSAGES[status] : BUSY })),
  }
}

/** Response changes plugins made before there was a response (rewrite/access), applied to it now. */
export function withPending(model: RequestModel): void {
  const response = model.state.response
  if (!response) return
  const pending = model.pendingResponse
  for (const name of pending.cleared) delete response.headers[name]
  // Not Object.assign: a plugin's header named `__proto__` would set the object's prototype.
  for (const name of Object.keys(pending.headers)) assign(response.headers, name, pending.headers[name])
  if (pending.status !== null && response.source !== 'error') response.status = pending.status
}
