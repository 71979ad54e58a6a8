import type { HostMessage, ParsedResult } from '../protocol.ts'
import type { PluginIsolateOptions } from './create-plugin-isolate.ts'

/** Heap use of an isolate, bytes: V8 heap plus external memory (ArrayBuffers), against its limit. */
export interface HeapUse {
  used: number
  limit: number
}

/**
 * What the pool, runPhase and the host's chain use of a plugin isolate. PluginIsolate is the one
 * the gateway runs; the benchmark's in-process baseline (bench/in-process) is the only other.
 */
export interface IsolateHandle {
  /**
   * One message in, the answer with its envelope checked out (see PluginIsolate.dispatch). `tail` is a first
   * call's base text (PhaseCall.base), sent after the message's JSON and BASE_SEPARATOR.
   */
  dispatch(message: HostMessage, timeoutMs: number, tail?: string): ParsedResult
  /** Total time spent running plugin code, ms. */
  cpuTimeMs(): number
  heap(): HeapUse
  readonly disposed: boolean
  /** Every later call throws isolate_disposed. Idempotent. */
  dispose(): void
}

/** Builds a configured isolate from the same options as createPluginIsolate (the default factory). */
export type IsolateFactory = (options: PluginIsolateOptions) => Promise<IsolateHandle>
