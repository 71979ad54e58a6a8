import type { IsolateHandle } from '../../runtime/isolate/index.ts'
import type { PhaseCall } from '../../runtime/protocol.ts'
import type { CallRun } from './call-plan.ts'

/** Entries an isolate holds at most; past it, the host and the isolate start over together. */
const HOLD_LIMIT = 512
/** What one message can add: a plan, a route and a service. */
const PER_MESSAGE = 3

/**
 * What an isolate holds across requests (runtime/prelude/held.isolate.ts) as the host tracks it:
 * call plans' run lists and route and service infos, each the very object sent (plans and infos
 * are immutable and belong to one configuration, so the same object means the same content). A
 * message then names them by id. After a failed call nothing is assumed held: the isolate may not
 * have read the message, and the next one says `forget`.
 */
export class IsolateHoldings {
  readonly #held = new Map<string, unknown>()
  #forget = false

  /** Starts a message: past the bound, the host and the isolate (PhaseCall.forget) start over. */
  begin(call: PhaseCall): void {
    if (this.#held.size + PER_MESSAGE > HOLD_LIMIT) this.reset()
    if (this.#forget) {
      call.forget = true
      this.#forget = false
    }
  }

  /**
   * Whether the isolate holds `value` (a plan's run list, a route or service info) under `kind:id`;
   * when not, it will once this message is read.
   */
  holds(value: object, kind: string, id: string | number): boolean {
    const key = keyOf(value, kind, id)
    if (this.#held.get(key) === value) return true
    this.#held.set(key, value)
    return false
  }

  /** A call failed: what it carried may not be held, and the next message says `forget`. */
  reset(): void {
    this.#held.clear()
    this.#forget = true
  }
}

const keys = new WeakMap<object, string>()

/** `kind:id`, made once per object: plans and infos are immutable, and requests reuse them. */
function keyOf(value: object, kind: string, id: string | number): string {
  let key = keys.get(value)
  if (key === undefined) {
    key = `${kind}:${id}`
    keys.set(value, key)
  }
  return key
}

const holdings = new WeakMap<IsolateHandle, IsolateHoldings>()

export function holdingsOf(isolate: IsolateHandle): IsolateHoldings {
  let held = holdings.get(isolate)
  if (held === undefined) {
    held = new IsolateHoldings()
    holdings.set(isolate, held)
  }
  return held
}

let nextPlan = 1
const planIds = new WeakMap<CallRun, number>()

/** Sets the call's run: by plan id when the isolate holds that plan's list, else in full with its id. */
export function sendRun(call: PhaseCall, run: CallRun, held: IsolateHoldings): void {
  let id = planIds.get(run)
  if (id === undefined) {
    id = nextPlan++
    planIds.set(run, id)
  }
  call.plan = id
  if (!held.holds(run, 'plan', id)) call.run = run as PhaseCall['run']
}
