import vm from 'node:vm'
import {
  BRIDGE_LIMITS,
  BridgeViolation,
  bundleFilename,
  HARDEN_SOURCE,
  type HeapUse,
  IsolateError,
  type IsolateHandle,
  type PluginIsolateOptions,
  parseResult,
} from '../../runtime/isolate/index.ts'
import { PRELUDE_FILENAME } from '../../runtime/prelude/index.ts'
import { BASE_SEPARATOR, type HostMessage, type ParsedResult } from '../../runtime/protocol.ts'

/** The prelude's `globalThis.__isogate`, as functions of the context's realm. */
interface Gate {
  adopt(name: string): unknown
  dispatch(message: string, late: (text: string | null) => void): unknown
}

/** Runs nothing: evaluating it makes V8 run the context's queued microtasks (see `dispatch`). */
const DRAIN = new vm.Script('void 0', { filename: 'isogate:drain' })

/** An error's message, whichever realm threw it (`instanceof Error` fails across realms). */
function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as Error).message : undefined
  return typeof message === 'string' ? message : String(error)
}

/**
 * The benchmark's in-process baseline (SPEC §6): the same prelude and plugin bundles, the same
 * JSON messages and result validation as PluginIsolate, but evaluated in a `node:vm` context in the
 * gateway's own heap, so a phase call is a plain function call with no isolate boundary. It is no
 * sandbox and contains nothing: this is bench code only, reachable from no configuration key.
 *
 * No limit is enforced: `timeoutMs` is ignored (a handler that loops blocks the gateway), the
 * heap is shared (`heap()` reports 0 used, so the pool never recycles), and a promise the plugin
 * leaves rejected reaches the process's unhandledRejection handler instead of failing its call.
 * `cpuTimeMs()` is the time spent inside the synchronous calls, so runPhase's accounting still
 * sees plausible figures, after the fact.
 */
export class InProcessIsolate implements IsolateHandle {
  readonly #context: vm.Context
  readonly #gate: Gate
  readonly #memoryBytes: number
  #seq = 0
  #ms = 0
  #disposed = false

  constructor(context: vm.Context, gate: Gate, memoryMb: number) {
    this.#context = context
    this.#gate = gate
    this.#memoryBytes = memoryMb * 1024 * 1024
  }

  /**
   * As PluginIsolate.dispatch: `seq` assigned here, the answer parsed and checked by the same
   * parseResult. Microtasks the call queued run right after it returns, as isolated-vm runs them
   * at the end of each crossing (the context's own queue, `microtaskMode: 'afterEvaluate'`), so a
   * call settles inside the same call exactly as it does in an isolate.
   */
  dispatch(message: HostMessage, _timeoutMs: number, tail?: string): ParsedResult {
    if (this.#disposed) throw new IsolateError('isolate_disposed', 'the plugin context is disposed')
    const seq = ++this.#seq
    message.seq = seq
    const json = JSON.stringify(message)
    const argument = tail === undefined ? json : `${json}${BASE_SEPARATOR}${tail}`
    const started = performance.now()
    let answer: unknown
    // The isolate's gate hands the prelude a writer for a pending call's later answer (see
    // GATE_SOURCE); the same here, so an async handler finishes in one call as it does there.
    let late: string | null = null
    const write = (text: string | null) => {
      if (text !== null) late = text
    }
    try {
      answer = Reflect.apply(this.#gate.dispatch, this.#gate, [argument, write])
      DRAIN.runInContext(this.#context)
      if (late !== null) answer = late
    } catch (error) {
      this.dispose()
      throw new BridgeViolation('dispatch_threw', `the prelude threw: ${messageOf(error)}`)
    } finally {
      this.#ms += performance.now() - started
    }
    try {
      if (typeof answer !== 'string') {
        throw new BridgeViolation('result_type', `the answer is a ${typeof answer}, not a string`)
      }
      if (answer.length > BRIDGE_LIMITS.resultChars) {
        throw new BridgeViolation('result_size', `the answer is ${answer.length} characters`)
      }
      return parseResult(answer, seq)
    } catch (error) {
      this.dispose()
      throw error
    }
  }

  cpuTimeMs(): number {
    return this.#ms
  }

  /** One heap for the whole process: nothing to measure per context. */
  heap(): HeapUse {
    return { used: 0, limit: this.#memoryBytes }
  }

  get disposed(): boolean {
    return this.#disposed
  }

  /** Later calls throw isolate_disposed; the context goes with the garbage once unreferenced. */
  dispose(): void {
    this.#disposed = true
  }
}

/**
 * The IsolateFactory of the in-process baseline: a fresh context, the same hardening script, the
 * prelude, each bundle followed by its adoption, then the init message, as createPluginIsolate
 * does; failures are IsolateErrors (`exception`, with `plugin` when a bundle failed).
 */
export async function createInProcessIsolate(options: PluginIsolateOptions): Promise<InProcessIsolate> {
  const context = vm.createContext(
    {},
    { name: options.label ?? 'isogate in-process', microtaskMode: 'afterEvaluate' },
  )
  const run = (code: string, filename: string): unknown =>
    new vm.Script(code, { filename }).runInContext(context)
  try {
    run(HARDEN_SOURCE, 'isogate:harden')
    run(options.prelude, PRELUDE_FILENAME)
  } catch (error) {
    throw new IsolateError('exception', `the prelude threw: ${messageOf(error)}`)
  }
  // Taken before any bundle runs, as the isolate's gate script does.
  const gate = run('globalThis.__isogate', 'isogate:gate') as Gate
  for (const plugin of options.plugins) {
    try {
      run(plugin.code, bundleFilename(plugin.name))
      Reflect.apply(gate.adopt, gate, [plugin.name])
    } catch (error) {
      throw new IsolateError('exception', `plugin ${plugin.name} could not be loaded: ${messageOf(error)}`, {
        plugin: plugin.name,
      })
    }
  }
  const isolate = new InProcessIsolate(context, gate, options.memoryMb)
  isolate.dispatch(options.init, 0)
  return isolate
}
