import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect, sql } from 'kysely'

/**
 * The one handle every database user gets. Deliberately narrow (a kysely instance, transactions,
 * health) so a PostgreSQL implementation over kysely's Postgres dialect can replace SQLite later
 * without touching callers. Callers keep their SQL dialect-neutral: kysely's query builder only,
 * JSON stored as text, booleans as integers.
 */
/** Tables are described by entity schemas at run time, not by a static database type. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Db = Kysely<any>

export interface Storage {
  readonly dialect: 'sqlite'
  readonly db: Db
  /** Runs `fn` in one write transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (trx: Db) => Promise<T>): Promise<T>
  ping(): Promise<boolean>
  /**
   * True when another connection (another process) committed since the last call: SQLite's
   * `data_version`, which this connection's own commits leave unchanged. Cheap enough to poll.
   */
  changedElsewhere(): boolean
  close(): Promise<void>
}

export interface StorageOptions {
  dialect: 'sqlite'
  /** A file path (its folder is created) or ':memory:'. */
  path: string
  /** Open an existing file without writing to it (`isogate check`): no folder, no WAL switch. */
  readOnly?: boolean
}

export async function openStorage(options: StorageOptions): Promise<Storage> {
  const inMemory = options.path === ':memory:'
  const readOnly = options.readOnly === true && !inMemory
  if (!inMemory && !readOnly) mkdirSync(dirname(resolve(options.path)), { recursive: true })
  const database = new Database(options.path, { readonly: readOnly, fileMustExist: readOnly })
  // WAL lets readers (other workers) proceed while one writer commits; not available in memory.
  if (!inMemory && !readOnly) database.pragma('journal_mode = WAL')
  database.pragma('synchronous = FULL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  const db: Db = new Kysely({ dialect: new SqliteDialect({ database }) })
  let closed = false
  const dataVersion = () => database.pragma('data_version', { simple: true }) as number
  let seenVersion = dataVersion()

  return {
    dialect: 'sqlite',
    db,
    // BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
    // writes can fail with SQLITE_BUSY when another process wrote in between, which busy_timeout
    // cannot wait out.
    transaction: (fn) =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn)
        try {
          const result = await fn(conn)
          await sql`commit`.execute(conn)
          return result
        } catch (error) {
          await sql`rollback`.execute(conn)
          throw error
        }
      }),
    ping: async () => {
      try {
        await sql`select 1`.execute(db)
        return true
      } catch {
        return false
      }
    },
    changedElsewhere: () => {
      if (closed) return false
      const now = dataVersion()
      if (now === seenVersion) return false
      seenVersion = now
      return true
    },
    close: async () => {
      if (closed) return
      closed = true
      await db.destroy()
    },
  }
}
