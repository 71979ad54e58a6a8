import type ivm from 'isolated-vm'
import { BASE_SEPARATOR, type HostMessage, type ParsedResult } from '../protocol.ts'
import { BridgeViolation } from './bridge-violation.ts'
import { crossSync } from './crossing.ts'
import { readFenced } from './gate-source.ts'
import type { HeapUse, IsolateHandle } from './isolate-handle.ts'
import { parseResult } from './validate-result.ts'
import type { CrossingWatchdog } from './watchdog.ts'

/** What createPluginIsolate hands over; not part of the public surface. */
export interface IsolateParts {
  isolate: ivm.Isolate
  dispatch: ivm.Reference
  meta: ivm.Reference
  memoryMb: number
  plugins: readonly string[]
  label: string
  watchdog: CrossingWatchdog | undefined
}

/** Copy (never reference) both ways; the options object is built as one literal per call (cheapest). */
const COPY = { copy: true } as const

/**
 * One isolate, its context, the prelude and one or more plugin bundles. Every call is one
 * synchronous crossing of a JSON string each way, on References only the host holds; nothing of
 * isolated-vm is ever reachable from inside. Used only through synchronous isolated-vm calls once
 * plugin code has run: an async call would also run V8's queued tasks (FinalizationRegistry
 * callbacks, for one) on a pool thread with no timeout at all.
 */
export class PluginIsolate implements IsolateHandle {
  /** Plugin names adopted by the prelude, in load order. */
  readonly plugins: readonly string[]
  /** Milliseconds createPluginIsolate took (isolate, context, compile, run, init). */
  startMs = 0
  readonly #parts: IsolateParts
  #seq = 0
  #cpuMs = 0

  constructor(parts: IsolateParts) {
    this.#parts = parts
    this.plugins = parts.plugins
  }

  /**
   * Sends one message and returns the validated answer. `seq` is assigned here (a counter per
   * isolate, so concurrent requests never collide) and whatever the message carries is replaced;
   * the answer must echo it. Throws IsolateError: cpu_limit when the crossing outlives `timeoutMs`,
   * memory_limit, bridge_violation (the isolate is then disposed), exception, isolate_disposed.
   */
  dispatch(message: HostMessage, timeoutMs: number, tail?: string): ParsedResult {
    const seq = ++this.#seq
    // The message is the caller's to give: its seq is set here rather than copied into a new object.
    message.seq = seq
    const json = JSON.stringify(message)
    const text = tail === undefined ? json : `${json}${BASE_SEPARATOR}${tail}`
    const answer = this.#call(this.#parts.dispatch, text, timeoutMs)
    try {
      return parseResult(answer, seq)
    } catch (error) {
      this.dispose()
      throw error
    }
  }

  /** The prelude's metadata for one adopted plugin, parsed from its JSON answer (unchecked shape). */
  meta(name: string, timeoutMs = 1000): unknown {
    const answer = this.#call(this.#parts.meta, name, timeoutMs)
    try {
      return JSON.parse(answer) as unknown
    } catch {
      this.dispose()
      throw new BridgeViolation('json', 'meta: the answer is not JSON')
    }
  }

  /** Total time the isolate has spent running, ms (isolated-vm's `cpuTime`; ~0.1 µs to read). */
  cpuTimeMs(): number {
    if (!this.disposed) this.#cpuMs = Number(this.#parts.isolate.cpuTime) / 1e6
    return this.#cpuMs
  }

  heap(): HeapUse {
    const limit = this.#parts.memoryMb * 1024 * 1024
    if (this.disposed) return { used: 0, limit }
    const stats = this.#parts.isolate.getHeapStatisticsSync()
    return { used: stats.used_heap_size + stats.externally_allocated_size, limit }
  }

  get disposed(): boolean {
    return this.#parts.isolate.isDisposed
  }

  /** Frees the isolate; every later call throws isolate_disposed. Idempotent. */
  dispose(): void {
    if (this.disposed) return
    this.cpuTimeMs()
    this.#parts.isolate.dispose()
  }

  /** One fenced call: the answer text, or the BridgeViolation the fence reported. */
  #call(reference: ivm.Reference, argument: string, timeoutMs: number): string {
    const { isolate, watchdog, label } = this.#parts
    const raw = crossSync(
      isolate,
      timeoutMs,
      (timeout) => {
        try {
          return reference.applySync(undefined, [argument], { arguments: COPY, result: COPY, timeout })
        } catch (error) {
          // Read while the isolate lives: a timed-out crossing's CPU still counts (runPhase).
          this.cpuTimeMs()
          throw error
        }
      },
      watchdog,
      label,
    )
    const fenced = readFenced(raw)
    if (fenced.ok) return fenced.text
    this.dispose()
    if (fenced.kind === 'threw')
      throw new BridgeViolation('dispatch_threw', `the prelude threw: ${fenced.detail}`)
    if (fenced.kind === 'size')
      throw new BridgeViolation('result_size', `the answer is ${fenced.detail} characters`)
    throw new BridgeViolation('result_type', `the answer is a ${fenced.detail}, not a string`)
  }
}
