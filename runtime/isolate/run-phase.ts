import type { HostMessage, IoRequest, IoResult, PhaseCall, PhaseResult } from '../protocol.ts'
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

/** Pause before re-asking a call that is pending with no I/O (nothing the host can do speeds it up). */
const idleDelayMs = (idle: number): number => Math.min(50, 2 ** (idle - 1))

/**
 * Runs one phase call to its end: call → (pending → all requested I/O at once via `io` → resume)*.
 * Each crossing is armed with what is left of the CPU budget (or of the wall budget, when less);
 * CPU is charged per crossing from the isolate's `cpuTime`, so a plugin spending small slices
 * across awaits still runs out. A wall timer over the whole call disposes the isolate, so a promise
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
): Promise<{ result: PhaseResult; cpuMs: number }> {
  const deadline = performance.now() + budget.wallMs
  let cpuMs = 0
  const fail = (error: LimitExceeded | BridgeViolation): never => {
    isolate.dispose()
    throw error
  }
  const outOfCpu = (): LimitExceeded =>
    new LimitExceeded(
      'cpu_limit',
      `the plugin spent ${cpuMs.toFixed(1)} ms of CPU, its budget is ${budget.cpuMs} ms`,
    )

  /** One crossing, its CPU charged; a timeout that the wall budget set is reported as wall_limit. */
  const cross = (message: HostMessage): PhaseResult => {
    const cpuLeft = budget.cpuMs - cpuMs
    const wallLeft = deadline - performance.now()
    if (cpuLeft <= 0) fail(outOfCpu())
    if (wallLeft <= 0) fail(wallLimit(budget.wallMs))
    const before = isolate.cpuTimeMs()
    try {
      return isolate.dispatch(message, Math.min(cpuLeft, wallLeft))
    } catch (error) {
      const byWall = wallLeft < cpuLeft && isLimitExceeded(error) && error.code === 'cpu_limit'
      throw byWall ? wallLimit(budget.wallMs) : error
    } finally {
      cpuMs += isolate.cpuTimeMs() - before
    }
  }

  // Armed at the first await only: a call that completes in one crossing (the common case) is
  // bounded by that crossing's own timeout and costs no timer.
  let timer: NodeJS.Timeout | undefined
  let wall: Promise<never> | undefined
  const wallTimer = (): Promise<never> => {
    wall ??= new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          isolate.dispose()
          reject(wallLimit(budget.wallMs))
        },
        Math.min(MAX_TIMER_MS, Math.max(0, deadline - performance.now())),
      )
    })
    return wall
  }
  try {
    let message: HostMessage = call
    let idle = 0
    for (let crossing = 0; crossing < BRIDGE_LIMITS.crossingsPerCall; crossing++) {
      const result = cross(message)
      checkOutcomes(result, call, fail)
      if (result.pending === undefined) return { result, cpuMs }
      if (cpuMs >= budget.cpuMs) fail(outOfCpu())
      const requests = result.io ?? []
      let results: IoResult[] = []
      if (requests.length > 0) {
        idle = 0
        results = await Promise.race([
          Promise.all(requests.map((request) => perform(io, request))),
          wallTimer(),
        ])
      } else if (idle++ > 0) {
        await Promise.race([new Promise((resolve) => setTimeout(resolve, idleDelayMs(idle))), wallTimer()])
      }
      message = { kind: 'resume', seq: 0, pending: result.pending, io: results }
    }
    return fail(
      new BridgeViolation(
        'crossing_count',
        `the call needed more than ${BRIDGE_LIMITS.crossingsPerCall} crossings`,
      ),
    )
  } finally {
    if (timer !== undefined) clearTimeout(timer)
  }
}

function wallLimit(wallMs: number): LimitExceeded {
  return new LimitExceeded('wall_limit', `the phase call took longer than ${wallMs} ms`)
}

/** Identity comes from the call, not the answer: outcomes may only name instances the call ran. */
function checkOutcomes(result: PhaseResult, call: PhaseCall, fail: (error: BridgeViolation) => never): void {
  for (const [i, outcome] of result.outcomes.entries()) {
    if (!call.run.some((run) => run.plugin === outcome.plugin && run.config === outcome.config)) {
      fail(new BridgeViolation('outcome', `outcomes[${i}]: names a plugin instance the call did not run`))
    }
  }
}

async function perform(io: IoHandler, request: IoRequest): Promise<IoResult> {
  try {
    return { id: request.id, ok: true, value: (await io(request)) ?? null }
  } catch (error) {
    const detail = ioErrorDetail(error)
    return { id: request.id, ok: false, error: messageOf(error), ...(detail ? { detail } : {}) }
  }
}
