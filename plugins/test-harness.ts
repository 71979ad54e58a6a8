/**
 * Tests only: a bundled plugin (the real folder, bundled by the real bundler) in a real isolate
 * with the real prelude, configured with what the gateway would store (the schema read from the
 * bundle inside the isolate, validated by the host's ajv validator with defaults filled).
 */
import { fileURLToPath } from 'node:url'
import { type ConfigValidation, compileConfigValidator } from '../host/plugins/index.ts'
import { bundlePlugin } from '../runtime/bundle/index.ts'
import { loadInIsolate, requestState, type TestIsolate } from '../runtime/prelude/index.ts'
import type {
  Headers,
  IoRequest,
  IoResult,
  Mutation,
  PhaseCall,
  PhaseResult,
  RequestState,
} from '../runtime/protocol.ts'

export interface PhaseRun {
  result: PhaseResult
  /** The one plugin's outcome. */
  status: 'ok' | 'exit' | 'error'
  /** Its error message when it threw. */
  error: string | undefined
  logs: { level: string; message: string }[]
  /** Host I/O the phase asked for, in order. */
  io: IoRequest[]
}

export interface PhaseOptions {
  /** Replaces these top-level keys of the request state before the phase runs. */
  delta?: Partial<RequestState>
  /** bodyFilter: this chunk (UTF-8 text) and whether it is the last. */
  chunk?: { text: string; eof: boolean }
}

/** One request's phases, in order, against one configuration. */
export interface TestRequest {
  run(phase: PhaseCall['phase'], options?: PhaseOptions): PhaseRun
}

export interface PluginUnderTest {
  name: string
  /** The host's validation of a config (defaults filled or Kong field errors). */
  validate(config: Record<string, unknown>): ConfigValidation
  /** A request with `config` (validated; throws on field errors) and the state it starts from. */
  request(config: Record<string, unknown>, state?: Partial<RequestState>): TestRequest
  dispose(): void
}

let counter = 0

/** A request state with plausible defaults (GET http://example.com:8000/v1/movies via route /v1). */
export { requestState }

/** `plugins/<name>` bundled and loaded into a fresh isolate. */
export async function loadPlugin(name: string): Promise<PluginUnderTest> {
  const dir = fileURLToPath(new URL(`./${name}/`, import.meta.url))
  const bundle = await bundlePlugin({ dir })
  const isolate = loadInIsolate([{ name, code: bundle.code }])
  const schema = isolate.meta(name).schema as { config: Record<string, unknown> }
  const validator = compileConfigValidator(schema.config)
  return {
    name,
    validate: (config) => validator.validate(config),
    request(config, state = {}) {
      const checked = validator.validate(config)
      if (!checked.ok) throw new Error(`invalid config: ${JSON.stringify(checked.errors)}`)
      const configId = `c-${++counter}`
      const configured = isolate.dispatch({
        kind: 'configure',
        seq: ++counter,
        plugin: name,
        configs: { [configId]: checked.config },
      })
      if (configured.fault) throw new Error(configured.fault)
      const rid = `req-${++counter}`
      let first = true
      return {
        run(phase, options = {}) {
          const call: PhaseCall = {
            kind: 'call',
            seq: ++counter,
            phase,
            rid,
            run: [{ plugin: name, config: configId }],
            last: false,
            budgetMs: 100,
          }
          if (first) call.state = requestState(state)
          if (options.delta) call.delta = options.delta
          if (options.chunk) {
            call.chunk = { data: Buffer.from(options.chunk.text).toString('base64'), eof: options.chunk.eof }
          }
          first = false
          return settle(isolate, isolate.dispatch(call), state)
        },
      }
    },
    dispose: () => isolate.dispose(),
  }
}

/** Answers the I/O a pending call asks for (the request body from `rawBody`) until it is done. */
function settle(isolate: TestIsolate, first: PhaseResult, state: Partial<RequestState>): PhaseRun {
  let result = first
  const io: IoRequest[] = []
  for (let round = 0; round < 20 && result.pending !== undefined; round++) {
    const answers: IoResult[] = (result.io ?? []).map((request) => {
      io.push(request)
      if (request.op === 'request.getRawBody') return { id: request.id, ok: true, value: state.rawBody ?? '' }
      return { id: request.id, ok: false, error: `no ${request.op} in plugin tests` }
    })
    result = isolate.dispatch({ kind: 'resume', seq: ++counter, pending: result.pending, io: answers })
  }
  if (result.fault) throw new Error(result.fault)
  if (result.pending !== undefined) throw new Error(`still pending: ${JSON.stringify(result)}`)
  // A handler that returned without logging reports no outcome: it is ok.
  const outcome = result.outcomes[0]
  return {
    result,
    status: outcome?.status ?? 'ok',
    error: outcome?.error?.message,
    logs: outcome?.logs ?? [],
    io,
  }
}

/**
 * `start` (lower-case names) after the phase's header mutations on the response (`response`) or
 * on the upstream request (`service.request`), as the host applies them.
 */
export function headersAfter(
  mutations: readonly Mutation[],
  target: 'response' | 'service.request',
  start: Headers = {},
): Headers {
  const headers: Headers = { ...start }
  const put = (name: string, value: string | string[], add: boolean) => {
    const key = name.toLowerCase()
    const values = Array.isArray(value) ? value : [value]
    const old = headers[key]
    const kept = add && old !== undefined ? (Array.isArray(old) ? old : [old]) : []
    const all = [...kept, ...values]
    if (all.length === 0) delete headers[key]
    else headers[key] = all.length === 1 ? (all[0] as string) : all
  }
  for (const mutation of mutations) {
    if (!mutation.op.startsWith(`${target}.`)) continue
    switch (mutation.op) {
      case 'response.setHeader':
      case 'service.request.setHeader':
        put(mutation.name, mutation.value, false)
        break
      case 'response.addHeader':
      case 'service.request.addHeader':
        put(mutation.name, mutation.value, true)
        break
      case 'response.clearHeader':
      case 'service.request.clearHeader':
        delete headers[mutation.name.toLowerCase()]
        break
      case 'response.setHeaders':
      case 'service.request.setHeaders':
        for (const [name, value] of Object.entries(mutation.headers)) put(name, value, false)
        break
    }
  }
  return headers
}
