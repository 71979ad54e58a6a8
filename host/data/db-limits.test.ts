import { describe, expect, it } from 'vitest'
import { DB_LIMITS, DbCallCounter, limitDbCalls } from './db-limits.ts'

/** A transport whose calls stay open until the test finishes them, in order. */
function heldTransport() {
  const open: { ws: string; n: number; finish(): void }[] = []
  const started: number[] = []
  const call = (ws: string, _plugin: string, args: unknown[]) =>
    new Promise<unknown>((resolve) => {
      const n = args[2] as number
      started.push(n)
      open.push({ ws, n, finish: () => resolve(n) })
    })
  return { open, started, call }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

describe('kong.db calls of one workspace', () => {
  it('run at most 32 at once, the rest in order, and past the line are refused', async () => {
    const transport = heldTransport()
    const db = limitDbCalls(transport.call)
    const { inFlightPerWorkspace: running, queuedPerWorkspace: queued } = DB_LIMITS
    const calls = Array.from({ length: running + queued }, (_, n) => db('ws-a', 'p', ['e', 'select', n]))
    const refused = db('ws-a', 'p', ['e', 'select', -1])
    await expect(refused).rejects.toMatchObject({
      message: 'kong.db: too many calls of this workspace in flight',
      detail: { code: 'DB_LIMIT' },
    })
    // Another workspace has its own line.
    const other = db('ws-b', 'p', ['e', 'select', 1000])
    await flush()
    expect(transport.started).toEqual([...Array.from({ length: running }, (_, n) => n), 1000])
    // Each finished call lets exactly the next waiting one start.
    transport.open.shift()?.finish()
    await flush()
    expect(transport.started.length).toBe(running + 2)
    expect(transport.started.at(-1)).toBe(running)
    for (let i = 0; i < running + queued + 1 && transport.open.length > 0; i++) {
      transport.open.shift()?.finish()
      await flush()
    }
    expect(await Promise.all(calls)).toEqual(Array.from({ length: running + queued }, (_, n) => n))
    expect(await other).toBe(1000)
  })

  it(`refuses a written row over ${DB_LIMITS.rowJsonBytes} bytes before it is sent`, async () => {
    const transport = heldTransport()
    const db = limitDbCalls(transport.call)
    const blob = 'x'.repeat(DB_LIMITS.rowJsonBytes)
    for (const args of [
      ['e', 'insert', { blob }],
      ['e', 'update', { id: 'a' }, { blob }],
      ['e', 'upsert', { id: 'a' }, { blob }],
    ]) {
      await expect(db('ws', 'p', args)).rejects.toMatchObject({
        detail: { code: 'SCHEMA_VIOLATION', status: 400, body: { code: 2, name: 'schema violation' } },
      })
    }
    expect(transport.started).toEqual([])
  })
})

describe('kong.db calls of one request', () => {
  it(`are counted per plugin, ${DB_LIMITS.callsPerRequest} each`, () => {
    const counter = new DbCallCounter()
    for (let i = 0; i < DB_LIMITS.callsPerRequest; i++) counter.take('a')
    expect(() => counter.take('a')).toThrow(`at most ${DB_LIMITS.callsPerRequest} calls per request`)
    expect(() => counter.take('b')).not.toThrow()
  })
})
