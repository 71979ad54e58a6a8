/**
 * How a call waits for its turn:
 * - `new`: a call that can still be refused (the request has not started answering): at the tail
 *   of its workspace's queue, refused at once past the queue cap and after `waitMs`;
 * - `admitted`: a later call of a request already on its way (filters, log): at the tail, never
 *   refused (dropping it would skip a filter the operator relies on);
 * - `resumed`: a call coming back from host I/O: at the head of its workspace's queue, never
 *   refused (the isolate holds its state and its wall clock runs).
 */
export type TurnKind = 'new' | 'admitted' | 'resumed'

export type QueueRefusal = 'queue_full' | 'queue_timeout'

/** A `new` call the scheduler will not run: its workspace's queue is full, or it waited too long. */
export class QueueRefused extends Error {
  constructor(readonly code: QueueRefusal) {
    super(code === 'queue_full' ? "the workspace's queue is full" : 'the call waited past workspace_queue_ms')
    this.name = 'QueueRefused'
  }
}

export const isQueueRefused = (error: unknown): error is QueueRefused => error instanceof QueueRefused

export interface SchedulerOptions {
  /** Longest wait of a `new` call, ms (workspace_queue_ms). */
  waitMs: number
  /** CPU a workspace may spend per round, µs, before another workspace's waiting call comes first. */
  quantumUs?: number
  /** Calls one workspace may have waiting; a `new` call past it is refused at once. */
  maxQueue?: number
  /** Runs the dispatcher's next turn: setImmediate, so the I/O that arrived meanwhile is read first. */
  defer?: (run: () => void) => void
}

/** 1 ms: about one light plugin call's worth of several dozen; a heavy call overdraws it at once. */
export const DEFAULT_QUANTUM_US = 1000
export const DEFAULT_MAX_QUEUE = 256

interface Waiter {
  resolve(): void
  reject(error: QueueRefused): void
  timer: NodeJS.Timeout | undefined
}

interface Flow {
  /** CPU µs this workspace may still spend in its current round (negative: overdrawn). */
  deficit: number
  queue: Waiter[]
  /** In `fresh` or `old` (possibly with an empty queue, removed when the dispatcher next meets it). */
  listed: boolean
}

/**
 * Fair share of one worker's plugin time between workspaces: deficit round-robin over per-workspace
 * queues of calls, charged in isolate CPU µs after each call (a call cannot be pre-empted, so its
 * cost is known only once it ran and may overdraw its workspace's deficit).
 *
 * A crossing is synchronous, so "busy" means a call ran in this turn of the event loop: the first
 * call of a quiet period runs at once and marks the scheduler busy until a dispatcher turn
 * (`defer`) finds no work. While busy, a call of the workspace that holds the turn still runs at
 * once as long as nobody waits and its deficit lasts (a chain's next plugin, a burst of light
 * requests); every other call queues, and each dispatcher turn grants the next workspace in DRR
 * order its quantum's worth of calls (one, then the next from `charge` while it stays in credit),
 * letting the event loop read new requests between turns. A workspace that joins the queues in credit
 * is served before the overdrawn ones (fq_codel's sparse flows), so a quiet tenant's call waits for
 * the one call running when it arrived, not for a heavy tenant's next. Deficits are forgotten when
 * the scheduler goes idle. Knows nothing of HTTP.
 */
export class WorkspaceScheduler {
  private readonly waitMs: number
  private readonly quantum: number
  private readonly maxQueue: number
  private readonly defer: (run: () => void) => void
  private readonly flows = new Map<string, Flow>()
  /**
   * Workspaces with waiting calls that joined in credit (a quiet tenant's request): served first,
   * each until its credit is spent, then moved to `old` (fq_codel's new flows).
   */
  private readonly fresh: Flow[] = []
  /** The other workspaces with waiting calls, in round-robin order; the head is being served. */
  private readonly old: Flow[] = []
  private waiting = 0
  private busy = false
  private scheduled = false
  /** The workspace whose call ran last in this turn of the event loop. */
  private current: Flow | null = null

  constructor(options: SchedulerOptions) {
    this.waitMs = options.waitMs
    this.quantum = options.quantumUs ?? DEFAULT_QUANTUM_US
    this.maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE
    this.defer = options.defer ?? setImmediate
  }

  /** What a refused call's `Retry-After` says, s: the queue's wait, at least 1. */
  get retryAfterS(): number {
    return Math.max(1, Math.ceil(this.waitMs / 1000))
  }

  /**
   * A call of `workspace` wants to run: null when it may run now (synchronously, before the caller
   * yields), else a promise that resolves at its turn (the call must then run before the next
   * macrotask) or rejects with QueueRefused (`new` calls only).
   */
  turn(workspace: string, kind: TurnKind): Promise<void> | null {
    if (!this.busy) {
      this.busy = true
      this.current = this.flow(workspace)
      this.wake()
      return null
    }
    const flow = this.flow(workspace)
    if (this.waiting === 0 && this.current === flow && flow.deficit > 0) return null
    if (kind === 'new' && flow.queue.length >= this.maxQueue) {
      return Promise.reject(new QueueRefused('queue_full'))
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined }
      if (kind === 'new') {
        waiter.timer = setTimeout(() => this.expire(flow, waiter), this.waitMs)
        waiter.timer.unref()
      }
      if (kind === 'resumed') flow.queue.unshift(waiter)
      else flow.queue.push(waiter)
      this.waiting++
      if (!flow.listed) {
        flow.listed = true
        ;(flow.deficit > 0 ? this.fresh : this.old).push(flow)
      }
    })
  }

  /**
   * What a call of `workspace` cost, isolate CPU µs (after it ran). While the workspace being
   * served stays in credit its next waiting call is granted at once, as DRR serves a quantum: one
   * dispatcher turn per call would cost a light chain an event-loop turn per plugin.
   */
  charge(workspace: string, cpuUs: number): void {
    const flow = this.flows.get(workspace)
    if (flow === undefined) return
    flow.deficit -= cpuUs
    if (flow.deficit > 0 && flow.queue.length > 0 && (this.fresh[0] ?? this.old[0]) === flow) {
      this.current = flow
      this.take(flow).waiter.resolve()
    }
  }

  /** Calls waiting, all workspaces together. */
  get queued(): number {
    return this.waiting
  }

  private flow(workspace: string): Flow {
    let flow = this.flows.get(workspace)
    if (flow === undefined) {
      flow = { deficit: this.quantum, queue: [], listed: false }
      this.flows.set(workspace, flow)
    }
    return flow
  }

  private wake(): void {
    if (this.scheduled) return
    this.scheduled = true
    this.defer(this.tick)
  }

  /** One dispatcher turn: grant the next call in DRR order, or go idle when none waits. */
  private readonly tick = (): void => {
    this.scheduled = false
    const next = this.pick()
    if (next === null) {
      this.busy = false
      this.current = null
      this.flows.clear()
      return
    }
    this.current = next.flow
    this.wake()
    next.waiter.resolve()
  }

  /**
   * Workspaces that joined in credit first, each while its credit lasts. Then round-robin: the head
   * workspace is served while its deficit is positive; an overdrawn one goes to the back with one
   * more quantum. After a whole round with nobody in credit, every workspace gets at once the rounds
   * of quanta the first of them needs (as many rounds would give), so a call that overdrew by far
   * costs no loop per quantum.
   */
  private pick(): { flow: Flow; waiter: Waiter } | null {
    while (this.fresh.length > 0) {
      const flow = this.fresh[0] as Flow
      if (flow.queue.length === 0) {
        this.fresh.shift()
        flow.listed = false
        continue
      }
      if (flow.deficit > 0) return this.take(flow)
      this.fresh.shift()
      flow.deficit += this.quantum
      this.old.push(flow)
    }
    let rotations = 0
    while (this.old.length > 0) {
      const flow = this.old[0] as Flow
      if (flow.queue.length === 0) {
        this.old.shift()
        flow.listed = false
        continue
      }
      if (flow.deficit > 0) return this.take(flow)
      this.old.push(this.old.shift() as Flow)
      flow.deficit += this.quantum
      if (++rotations >= this.old.length) {
        rotations = 0
        let rounds = Number.POSITIVE_INFINITY
        for (const f of this.old) rounds = Math.min(rounds, Math.floor(-f.deficit / this.quantum))
        if (rounds > 0) for (const f of this.old) f.deficit += rounds * this.quantum
      }
    }
    return null
  }

  private take(flow: Flow): { flow: Flow; waiter: Waiter } {
    const waiter = flow.queue.shift() as Waiter
    this.waiting--
    if (waiter.timer !== undefined) clearTimeout(waiter.timer)
    return { flow, waiter }
  }

  private expire(flow: Flow, waiter: Waiter): void {
    const at = flow.queue.indexOf(waiter)
    if (at === -1) return
    flow.queue.splice(at, 1)
    this.waiting--
    waiter.reject(new QueueRefused('queue_timeout'))
  }
}
