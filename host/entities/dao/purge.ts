import { sql } from 'kysely'
import { isGatewayError } from '../../errors/index.ts'
import type { Db } from '../../storage/index.ts'
import type { ChangeEvent } from '../dao-types.ts'
import { deleteWithRules } from './delete-rules.ts'
import type { GenericDao } from './generic-dao.ts'
import { fromColumns } from './rows.ts'
import { expired } from './ttl.ts'

type Row = Record<string, unknown>

/**
 * Runs one delete inside a savepoint of the enclosing transaction: a row that another row still
 * restricts stays (and its events are dropped) without failing the rest of the transaction.
 */
async function unlessRestricted(db: Db, events: ChangeEvent[], fn: () => Promise<void>): Promise<boolean> {
  const mark = events.length
  await sql`savepoint ttl_purge`.execute(db)
  try {
    await fn()
    await sql`release savepoint ttl_purge`.execute(db)
    return true
  } catch (error) {
    await sql`rollback to savepoint ttl_purge`.execute(db)
    await sql`release savepoint ttl_purge`.execute(db)
    events.length = mark
    if (isGatewayError(error) && error.code === 'FOREIGN_KEY_VIOLATION') return false
    throw error
  }
}

/**
 * Deletes the rows of a ttl entity that expired at `now` (every workspace), through the normal
 * delete path: delete rules apply and change events are collected. Returns how many went.
 */
export async function purgeExpiredRows(
  db: Db,
  dao: GenericDao,
  daos: GenericDao[],
  events: ChangeEvent[],
  now: number,
): Promise<number> {
  if (!dao.schema.ttl) return 0
  const rows = await db.selectFrom(dao.schema.name).selectAll().where(expired(now)).orderBy('id').execute()
  let purged = 0
  for (const row of rows) {
    const entity = fromColumns<Row>(dao.schema, row, now)
    if (await unlessRestricted(db, events, () => deleteWithRules(db, dao, entity, daos, events))) purged++
  }
  return purged
}

/** Whether any of the ttl entities has a row that expired at `now`. */
export async function anyExpired(db: Db, daos: GenericDao[], now: number): Promise<boolean> {
  for (const dao of daos) {
    if (!dao.schema.ttl) continue
    const row = await db.selectFrom(dao.schema.name).select('id').where(expired(now)).executeTakeFirst()
    if (row) return true
  }
  return false
}

/** The earliest expiry (epoch ms) after `now` among the ttl entities' rows, or null. */
export async function nextExpiry(db: Db, daos: GenericDao[], now: number): Promise<number | null> {
  let next: number | null = null
  for (const dao of daos) {
    if (!dao.schema.ttl) continue
    const row = await db
      .selectFrom(dao.schema.name)
      .select((eb) => eb.fn.min('ttl').as('next'))
      .where('ttl', '>', now)
      .executeTakeFirst()
    const value = row?.next == null ? null : Number(row.next)
    if (value !== null && (next === null || value < next)) next = value
  }
  return next
}
