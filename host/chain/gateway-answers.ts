import type { GatewayAnswer } from '../proxy/index.ts'
import type { RequestModel } from './request-model.ts'

const MESSAGES = {
  500: 'An unexpected error occurred',
  503: 'The upstream server is currently unavailable',
} as const

/** The gateway's answer when a plugin failed: Kong's JSON body, never the plugin's error text. */
export function errorAnswer(status: 500 | 503): GatewayAnswer & { body: Buffer } {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: Buffer.from(JSON.stringify({ message: MESSAGES[status] })),
  }
}

/** Response changes plugins made before there was a response (rewrite/access), applied to it now. */
export function withPending(model: RequestModel): void {
  const response = model.state.response
  if (!response) return
  const pending = model.pendingResponse
  for (const name of pending.cleared) delete response.headers[name]
  Object.assign(response.headers, pending.headers)
  if (pending.status !== null && response.source !== 'error') response.status = pending.status
}
