import type { Context } from 'hono'
import { isGatewayError, toKongBody } from '../errors/index.ts'
import type { AdminLogger } from './deps.ts'
import { HttpError } from './http-error.ts'

const JSON_TYPE = 'application/json; charset=utf-8'

/** A JSON answer with Kong's content type. */
export function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': JSON_TYPE, ...headers } })
}

export function noContent(): Response {
  return new Response(null, { status: 204 })
}

/**
 * Turns anything thrown by a handler into Kong's answer: DAO errors keep their code, name and
 * fields; anything unexpected is logged and answers 500 without details.
 */
export function errorResponse(error: unknown, c: Context, logger?: AdminLogger): Response {
  if (error instanceof HttpError) {
    const headers: Record<string, string> = error.status === 413 ? { connection: 'close' } : {}
    return json(error.status, { message: error.message }, headers)
  }
  if (isGatewayError(error) && error.status < 500) return json(error.status, toKongBody(error))
  logger?.error({ err: error, method: c.req.method, path: c.req.path }, 'Admin API request failed')
  return json(500, { message: 'An unexpected error occurred' })
}
