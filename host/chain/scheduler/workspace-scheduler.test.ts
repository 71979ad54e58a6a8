import { describe, expect, it } from 'vitest'
import { isQueueRefused, type TurnKind, WorkspaceScheduler } from './index.ts'

/**
 * The scheduler with fake calls: each "call" waits for its turn, records that it ran and reports
 * the CPU µs it cost. Dispatcher turns are run by hand (`step`), so the order is deterministic.
 */
function harness(options: { waitMs?: number; maxQueue?: number; quantumUs?: number } = {}) {
  const deferred: (() => void)[] = []
  const scheduler = new WorkspaceScheduler({
    waitMs: options.waitMs ?? 60_000,
    quantumUs: options.quantumUs ?? 1000,
    ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
    defer: (run) => deferred.push(run),
  })
  const ran: string[] = []
  const outcomes = new Map<string, string>()
  /** A fake call: synchronous when the scheduler lets it run at once (as a crossing is). */
  const call = (workspace: string, label: string, cpuUs: number, kind: TurnKind = 'new') => {
    const run = () => {
      ran.push(label)
      scheduler.charge(workspace, cpuUs)
      outcomes.set(label, 'ran')
    }
    const wait = scheduler.turn(workspace, kind)
    if (wait === null) return run()
    wait.then(run, (error: unknown) => outcomes.set(label, isQueueRefused(error) ? error.code : 'error'))
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  /** Runs dispatcher turns until none is due (bounded), letting granted calls run after each. */
  const drain = async () => {
    for (let i = 0; i < 1000 && deferred.length > 0; i++) {
      ;(deferred.shift() as () => void)()
      await settle()
    }
    expect(deferred).toEqual([])
  }
  return { scheduler, deferred, ran, outcomes, call, drain, settle }
}

describe('WorkspaceScheduler', () => {
  it('runs a call at once when idle, and goes idle again after one empty dispatcher turn', async () => {
    const h = harness()
    expect(h.scheduler.turn('a', 'new')).toBeNull()
    expect(h.deferred).toHaveLength(1)
    await h.drain()
    expect(h.scheduler.turn('b', 'new')).toBeNull()
  })

  it("runs B's one call after at most one of A's ten", async () => {
    const h = harness()
    h.call('a', 'a0', 5000)
    for (let i = 1; i <= 10; i++) h.call('a', `a${i}`, 5000)
    h.call('b', 'b1', 200)
    expect(h.ran).toEqual(['a0'])
    expect(h.scheduler.queued).toBe(11)
    await h.drain()
    expect(h.ran).toHaveLength(12)
    expect(h.ran.indexOf('b1')).toBe(1)
    expect(h.ran.filter((label) => label.startsWith('a'))).toEqual(
      Array.from({ length: 11 }, (_, i) => `a${i}`),
    )
  })

  it('serves each workspace up to its quantum per round, the overdraft carried (DRR)', async () => {
    const h = harness({ quantumUs: 1000 })
    h.call('c', 'c0', 0)
    for (let i = 1; i <= 6; i++) h.call('a', `a${i}`, 300)
    for (let i = 1; i <= 6; i++) h.call('b', `b${i}`, 300)
    await h.drain()
    // a: 1000 → 700 → 400 → 100 → -200, then b the same; a's next round starts at 800.
    expect(h.ran).toEqual(['c0', 'a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'b4', 'a5', 'a6', 'b5', 'b6'])
  })

  it('lets a workspace that overdrew by many quanta wait as many rounds, without a loop per quantum', async () => {
    const h = harness({ quantumUs: 1000 })
    h.call('a', 'a0', 30_000)
    h.call('a', 'a1', 30_000)
    for (let i = 1; i <= 3; i++) h.call('b', `b${i}`, 400)
    await h.drain()
    expect(h.ran).toEqual(['a0', 'b1', 'b2', 'b3', 'a1'])
  })

  it('lets the workspace holding the turn go on at once while nobody waits and its quantum lasts', () => {
    const h = harness({ quantumUs: 1000 })
    h.call('a', 'a0', 400)
    h.call('a', 'a1', 400)
    h.call('a', 'a2', 400)
    h.call('a', 'a3', 400)
    // a0 and a1 ran at once (1000 → 600 → 200), a2 too (→ -200); a3 waits for a dispatcher turn.
    expect(h.ran).toEqual(['a0', 'a1', 'a2'])
    h.call('b', 'b0', 10)
    expect(h.ran).toEqual(['a0', 'a1', 'a2'])
    expect(h.scheduler.queued).toBe(2)
  })

  it('refuses a new call past the queue cap at once, never an admitted or resumed one', async () => {
    const h = harness({ maxQueue: 2 })
    h.call('a', 'a0', 5000)
    h.call('a', 'a1', 10)
    h.call('a', 'a2', 10)
    h.call('a', 'a3', 10)
    h.call('a', 'filter', 10, 'admitted')
    h.call('a', 'resume', 10, 'resumed')
    h.call('b', 'b1', 10)
    await h.settle()
    expect(h.outcomes.get('a3')).toBe('queue_full')
    await h.drain()
    expect(h.ran).toEqual(['a0', 'b1', 'resume', 'a1', 'a2', 'filter'])
  })

  it('refuses a new call that waited past waitMs; admitted and resumed ones keep waiting', async () => {
    const h = harness({ waitMs: 5 })
    h.call('a', 'a0', 10)
    h.call('b', 'b-new', 10)
    h.call('b', 'b-admitted', 10, 'admitted')
    h.call('b', 'b-resumed', 10, 'resumed')
    // No dispatcher turn runs meanwhile, so none of them could have had its turn.
    for (let i = 0; i < 200 && !h.outcomes.has('b-new'); i++) await new Promise((r) => setTimeout(r, 5))
    expect(h.outcomes.get('b-new')).toBe('queue_timeout')
    expect(h.scheduler.queued).toBe(2)
    await h.drain()
    expect(h.ran).toEqual(['a0', 'b-resumed', 'b-admitted'])
  })

  it('serves a workspace that joins in credit before an overdrawn one that queued first', async () => {
    const h = harness({ quantumUs: 1000 })
    h.call('a', 'a0', 100)
    h.call('a', 'a1', 5000)
    h.call('a', 'a2', 5000)
    h.call('a', 'a3', 5000)
    h.call('b', 'b1', 100)
    await h.drain()
    // a0 and a1 ran at once (a in credit, nobody waiting); a is overdrawn when b joins.
    expect(h.ran).toEqual(['a0', 'a1', 'b1', 'a2', 'a3'])
  })

  it('puts a resumed call back in its own workspace queue, at its head, still behind the other workspace', async () => {
    const h = harness({ quantumUs: 1000 })
    h.call('a', 'a0', 2000)
    h.call('a', 'a1', 2000)
    h.call('b', 'b1', 2000)
    h.call('b', 'b2', 2000)
    h.call('a', 'a0-resumed', 2000, 'resumed')
    await h.drain()
    expect(h.ran).toEqual(['a0', 'b1', 'b2', 'a0-resumed', 'a1'])
  })

  it('forgets deficits once idle: an overdrawn workspace starts the next busy period afresh', async () => {
    const h = harness({ quantumUs: 1000 })
    h.call('a', 'a0', 50_000)
    await h.drain()
    h.call('c', 'c0', 10)
    h.call('a', 'a1', 10)
    h.call('b', 'b1', 10)
    await h.drain()
    // Had a kept its overdraft, it would have queued behind b, which joined in credit.
    expect(h.ran).toEqual(['a0', 'c0', 'a1', 'b1'])
  })
})
