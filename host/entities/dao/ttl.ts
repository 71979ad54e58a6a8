import { type RawBuilder, type SqlBool, sql } from 'kysely'
import { GatewayError } from '../../errors/index.ts'
import type { WriteContext } from '../validate/defaults.ts'

/**
 * Time to live of rows of `ttl: true` entities. The `ttl` column holds the expiry in epoch
 * milliseconds (null: never); users see and write seconds. Kong's range: 0..100000000, where 0
 * means no expiry (a bit over three years keeps `now + ttl` far from overflowing).
 */
export const MAX_TTL_SECONDS = 100_000_000

/** Rows that have not expired at `now` (epoch ms). */
export function notExpired(now: number): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.ref('ttl')} is null or ${sql.ref('ttl')} > ${now})`
}

/** Rows that have expired at `now` (epoch ms). */
export function expired(now: number): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${sql.ref('ttl')} is not null and ${sql.ref('ttl')} <= ${now})`
}

/** Kong's check of the `ttl` option: the expiry in epoch ms, or null for none (ttl 0). */
export function expiryOf(ttl: unknown, now: number): number | null {
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS) {
    const message = `must be an integer between 0 and ${MAX_TTL_SECONDS}`
    throw new GatewayError('INVALID_OPTIONS', `invalid option (ttl: ${message})`, { ttl: message })
  }
  return ttl === 0 ? null : now + ttl * 1000
}

/**
 * The expiry a write stores: from its `ttl` when given; otherwise none on insert and upsert (PUT
 * replaces), unchanged (undefined) on update, as Kong's strategies do.
 */
export function writeExpiry(ttl: unknown, context: WriteContext, now: number): number | null | undefined {
  if (ttl !== undefined) return expiryOf(ttl, now)
  return context === 'update' ? undefined : null
}

/** What users see: whole seconds left, rounded up (never below 0). */
export function remainingSeconds(expiry: number, now: number): number {
  return Math.max(0, Math.ceil((expiry - now) / 1000))
}
