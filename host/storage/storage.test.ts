import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { openStorage } from './index.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'isogate-storage-'))
  dirs.push(dir)
  return dir
}

describe('openStorage', () => {
  it('creates the folder and opens the file with WAL, full sync, foreign keys and a busy timeout', async () => {
    const path = join(tempDir(), 'nested', 'isogate.db')
    const storage = await openStorage({ dialect: 'sqlite', path })
    expect(existsSync(path)).toBe(true)
    const pragma = async (name: string) =>
      Object.values((await sql.raw(`pragma ${name}`).execute(storage.db)).rows[0] as object)[0]
    expect(await pragma('journal_mode')).toBe('wal')
    expect(await pragma('synchronous')).toBe(2)
    expect(await pragma('foreign_keys')).toBe(1)
    expect(await pragma('busy_timeout')).toBe(5000)
    expect(storage.dialect).toBe('sqlite')
    expect(await storage.ping()).toBe(true)
    await storage.close()
    expect(await storage.ping()).toBe(false)
    await storage.close()
  })

  it('works in memory', async () => {
    const storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
    expect(await storage.ping()).toBe(true)
    await storage.close()
  })

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const storage = await openStorage({ dialect: 'sqlite', path: ':memory:' })
    await storage.db.schema.createTable('t').addColumn('v', 'integer').execute()
    await storage.transaction((trx) => trx.insertInto('t').values({ v: 1 }).execute())
    await expect(
      storage.transaction(async (trx) => {
        await trx.insertInto('t').values({ v: 2 }).execute()
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(await storage.db.selectFrom('t').select('v').execute()).toEqual([{ v: 1 }])
    await storage.close()
  })
})
