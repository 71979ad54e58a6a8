import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { json } from './respond.ts'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * `Authorization: Bearer <token>` on every call. Both sides are hashed first so the comparison
 * takes the same time whatever the length or content of the guess.
 */
export function bearerAuth(token: string): MiddlewareHandler {
  const expected = digest(token)
  return async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer[ \t]+(.+)$/i.exec(header.trim())
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      return json(401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' })
    }
    await next()
  }
}
