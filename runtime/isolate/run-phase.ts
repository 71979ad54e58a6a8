import type { HostMessage, IoRequest, IoResult, ParsedResult, PhaseCall } from '../protocol.ts'
import { BRIDGE_LIMITS } from './bridge-limits.ts'
import { BridgeViolation } from './bridge-violation.ts'
import { messageOf } from './crossing.ts'
import { ioErrorDetail } from './io-refused.ts'
import { isLimitExceeded, LimitExceeded } from './isolate-error.ts'
import type { IsolateHandle } from './isolate-handle.ts'

export interface PhaseBudget {
  /** CPU the plugin may still spend on this request (all its phases together), ms. */
  cpuMs: number
  /** Wall time this phase call may take, awaited I/O included, ms. */
  wallMs: number
}

/** Performs one host I/O operation a handler awaits; its value must survive JSON.stringify. */
export type IoHandler = (request: IoRequest) => Promise<unknown>

/** setTimeout's largest delay; a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647

/**
 * A crossing's timeout, wall-clock ms, for `cpuLeftMs` of CPU budget left: the budget is CPU, but
 * isolated-vm can only stop a crossing after wall time, and on a busy machine a crossing waits for a
 * core too. So it is armed at 4× the CPU left + 50 ms (an infinite loop still ends, then as a
 * cpu_limit), and the CPU is charged from the isolate's `cpuTime` after each crossing.
 */
const crossingTimeoutMs = (cpuLeftMs: number): number => cpuLeftMs * 4 + 50

/** Pause before re-asking a call that is pending with no I/O (nothing the host can do speeds it up). */
const idleDelayMs = (idle: number): number => Math.min(50, 2 ** (idle - 1))

/** What a phase call came to: its final answer and the CPU it cost, ms. */
export interface PhaseRun {
  result: ParsedResult
  cpuMs: number
}

/**
 * Runs one phase call to its end: call → (pending → all requested I/O at once via `io` → resume)*.
 * Each crossing's timeout is wall time derived from the CPU budget left (crossingTimeoutMs, or the
 * wall budget left, when less); CPU is charged per crossing from the isolate's `cpuTime`, so a
 * plugin spending small slices across awaits still runs out. A wall timer over the whole call disposes the isolate, so a promise
 * that never settles cannot hold the request. A call pending with no I/O is asked again at once,
 * then with a growing pause (V8 runs the isolate's microtasks as each crossing returns, so the first
 * resume collects most outcomes). Returns the final result and the CPU it cost, ms; throws
 * IsolateError (cpu_limit, wall_limit, memory_limit, bridge_violation, exception, isolate_disposed).
 */
export async function runPhase(
  isolate: IsolateHandle,
  call: PhaseCall,
  budget: PhaseBudget,
  io: IoHandler,
  /** The call's base text (PhaseCall.base), sent with its first crossing. */
  tail?: string,
): Promise<PhaseRun> {
  return startPhase(isolate, call, budget, io, tail)
}

/**
 * runPhase without a promise for the common case: a call that completes in its first crossing
 * (no host I/O awaited) is answered synchronously, and its failures are thrown synchronously; only
 * a call left pending becomes a promise.
 */
export function startPhase(
  isolate: IsolateHandle,
  call: PhaseCall,
  budget: PhaseBudget,
  io: IoHandler,
  tail?: string,
  /** What the call runs when its message names the list by plan id only (PhaseCall.plan). */
  ran?: PhaseCall['run'],
): PhaseRun | Promise<PhaseRun> {
  const run = new PhaseRunner(isolate, call, budget, ran ?? call.run ?? [])
  const result = run.cross(call, tail)
  if (result.pending === undefined) return { result, cpuMs: run.cpuMs }
  return run.rest(result, io)
}

/** One phase call's crossings, their CPU and wall budget (one object per call, no closures). */
class PhaseRunner {
  cpuMs = 0
  readonly #deadline: number
  // Armed at the first await only: a call that completes in one crossing (the common case) is
  // bounded by that crossing's own timeout and costs no timer.
  #timer: NodeJS.Timeout | undefined
  #wall: Promise<never> | undefined

  constructor(
    readonly isolate: IsolateHandle,
    readonly call: PhaseCall,
    readonly budget: PhaseBudget,
    /** The instances the call runs: its outcomes may name only these. */
    readonly ran: NonNullable<PhaseCall['run']>,
  ) {
    this.#deadline = performance.now() + budget.wallMs
  }

  /**
   * One crossing, its CPU charged and its outcomes checked. Its timeout is wall-clock time armed at
   * crossingTimeoutMs(CPU left), capped by the wall left; the CPU itself is charged from `cpuTime`
   * afterwards, a cpu_limit once it passes the budget. An expired timeout is a cpu_limit too, unless
   * the wall cap set it and the CPU charged stayed within the budget (a wall_limit).
   */
  cross(message: HostMessage, tail?: string): ParsedResult {
    const { isolate, budget } = this
    const cpuLeft = budget.cpuMs - this.cpuMs
    const wallLeft = this.#deadline - performance.now()
    if (cpuLeft <= 0) this.fail(this.outOfCpu())
    if (wallLeft <= 0) this.fail(wallLimit(budget.wallMs))
    const armed = crossingTimeoutMs(cpuLeft)
    const before = isolate.cpuTimeMs()
    let result: ParsedResult
    try {
      result = isolate.dispatch(message, Math.min(armed, wallLeft), tail)
    } catch (error) {
      this.cpuMs += isolate.cpuTimeMs() - before
      const byWall =
        wallLeft < armed && this.cpuMs <= budget.cpuMs && isLimitExceeded(error) && error.code === 'cpu_limit'
      throw byWall ? wallLimit(budget.wallMs) : error
    }
    this.cpuMs += isolate.cpuTimeMs() - before
    if (this.cpuMs > budget.cpuMs) this.fail(this.outOfCpu())
    this.checkOutcomes(result)
    return result
  }

  /** The crossings after a pending first one: host I/O, resumes, until the call ends. */
  async rest(first: ParsedResult, io: IoHandler): Promise<PhaseRun> {
    try {
      let result = first
      let idle = 0
      for (let crossing = 1; crossing < BRIDGE_LIMITS.crossingsPerCall; crossing++) {
        if (this.cpuMs >= this.budget.cpuMs) this.fail(this.outOfCpu())
        const requests = result.io ?? []
        let results: IoResult[] = []
        if (requests.length > 0) {
          idle = 0
          results = await Promise.race([
            Promise.all(requests.map((request) => perform(io, request))),
            this.wallTimer(),
          ])
        } else if (idle++ > 0) {
          await Promise.race([
            new Promise((resolve) => setTimeout(resolve, idleDelayMs(idle))),
            this.wallTimer(),
          ])
        }
        result = this.cross({ kind: 'resume', seq: 0, pending: result.pending as number, io: results })
        if (result.pending === undefined) return { result, cpuMs: this.cpuMs }
      }
      return this.fail(
        new BridgeViolation(
          'crossing_count',
          `the call needed more than ${BRIDGE_LIMITS.crossingsPerCall} crossings`,
        ),
      )
    } finally {
      if (this.#timer !== undefined) clearTimeout(this.#timer)
    }
  }

  fail(error: LimitExceeded | BridgeViolation): never {
    this.isolate.dispose()
    throw error
  }

  outOfCpu(): LimitExceeded {
    return new LimitExceeded(
      'cpu_limit',
      `the plugin spent ${this.cpuMs.toFixed(1)} ms of CPU, its budget is ${this.budget.cpuMs} ms`,
    )
  }

  wallTimer(): Promise<never> {
    this.#wall ??= new Promise<never>((_, reject) => {
      this.#timer = setTimeout(
        () => {
          this.isolate.dispose()
          reject(wallLimit(this.budget.wallMs))
        },
        Math.min(MAX_TIMER_MS, Math.max(0, this.#deadline - performance.now())),
      )
    })
    return this.#wall
  }

  /** Identity comes from the call, not the answer: outcomes may only name instances the call ran. */
  checkOutcomes(result: ParsedResult): void {
    const { outcomes } = result
    if (outcomes.length === 0) return
    const { ran } = this
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i] as ParsedResult['outcomes'][number]
      if (!ran.some((entry) => entry.plugin === outcome.plugin && entry.config === outcome.config)) {
        this.fail(
          new BridgeViolation('outcome', `outcomes[${i}]: names a plugin instance the call did not run`),
        )
      }
    }
  }
}

function wallLimit(wallMs: number): LimitExceeded {
  return new LimitExceeded('wall_limit', `the phase call took longer than ${wallMs} ms`)
}

async function perform(io: IoHandler, request: IoRequest): Promise<IoResult> {
  try {
    return { id: request.id, ok: true, value: (await io(request)) ?? null }
  } catch (error) {
    const detail = ioErrorDetail(error)
    return { id: request.id, ok: false, error: messageOf(error), ...(detail ? { detail } : {}) }
  }
}
