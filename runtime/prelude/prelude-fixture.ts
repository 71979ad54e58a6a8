import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundlePlugin } from '../bundle/index.ts'
import type { PhaseCall, PhaseResult, RequestState } from '../protocol.ts'
import { loadInIsolate, type TestInit, type TestIsolate } from './index.ts'
import { requestState } from './request-state-fixture.ts'

export { requestState }

/**
 * Test helpers (not a mock): real plugin folders in a temp dir, bundled by the real bundler, run
 * by the real prelude in a real isolate.
 */

/** Bundles `{ name: handler.ts source }` plugins; each gets a minimal schema.ts. */
export async function bundles(handlers: Record<string, string>): Promise<{ name: string; code: string }[]> {
  const root = mkdtempSync(join(tmpdir(), 'isogate-prelude-'))
  try {
    const out: { name: string; code: string }[] = []
    for (const [name, handler] of Object.entries(handlers)) {
      const dir = join(root, name)
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'handler.ts'), handler)
      writeFileSync(
        join(dir, 'schema.ts'),
        `export default { name: ${JSON.stringify(name)}, config: { type: 'object', properties: { greeting: { type: 'string', default: 'hi' } } } }\n`,
      )
      const bundle = await bundlePlugin({ dir })
      out.push({ name, code: bundle.code })
    }
    return out
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/** An isolate holding `handlers` (one configuration `c-<name>` each, `{ greeting: 'hi' }` unless given). */
export async function isolateWith(
  handlers: Record<string, string>,
  options: { init?: TestInit; configs?: Record<string, Record<string, Record<string, unknown>>> } = {},
): Promise<TestIsolate> {
  const isolate = loadInIsolate(await bundles(handlers), options.init)
  let seq = 1
  for (const name of Object.keys(handlers)) {
    const configs = options.configs?.[name] ?? { [`c-${name}`]: { greeting: 'hi' } }
    const result = isolate.dispatch({ kind: 'configure', seq: seq++, plugin: name, configs })
    if (result.fault) throw new Error(result.fault)
  }
  return isolate
}

let seqCounter = 1000

/** A `call` message for the listed plugins (config `c-<name>`), full state unless `delta` is given. */
export function phaseCall(
  phase: PhaseCall['phase'],
  plugins: string[],
  extra: Partial<PhaseCall> = {},
): PhaseCall {
  return {
    kind: 'call',
    seq: seqCounter++,
    phase,
    rid: 'req-1',
    run: plugins.map((plugin) => ({ plugin, config: `c-${plugin}` })),
    state: extra.delta ? undefined : requestState(),
    last: false,
    budgetMs: 100,
    ...extra,
  }
}

/** Resumes a pending call until it completes (at most `rounds` crossings). */
export function resumeUntilDone(isolate: TestIsolate, first: PhaseResult, rounds = 10): PhaseResult {
  let result = first
  for (let i = 0; i < rounds && result.pending !== undefined; i++) {
    result = isolate.dispatch({ kind: 'resume', seq: seqCounter++, pending: result.pending, io: [] })
  }
  return result
}

/**
 * A real plugin whose every phase runs the JavaScript in its config's `code` (a function body
 * receiving `kong` and `conf`) and keeps what it returned (or resolved to) in
 * `globalThis.__probe`, so one bundle serves many PDK checks.
 */
export const PROBE_HANDLER = `
const PHASES = ['initWorker', 'configure', 'rewrite', 'access', 'response', 'headerFilter', 'bodyFilter', 'log']
const keep = (value) => { globalThis.__probe = { value } }
const handler = { priority: 1, version: '1.0.0' }
for (const phase of PHASES) {
  handler[phase] = function (kong, conf) {
    const code = phase === 'configure' ? globalThis.__configureCode : conf.code
    if (code === undefined) return
    const value = new Function('kong', 'conf', code)(kong, conf)
    if (value && typeof value.then === 'function') return value.then(keep)
    keep(value)
  }
}
export default handler
`

export interface ProbeRun {
  result: PhaseResult
  /** What the code returned (resolved to), JSON round-tripped; undefined when it threw. */
  value: unknown
  /** I/O the call asked for, in order. */
  io: NonNullable<PhaseResult['io']>
}

export interface ProbeOptions {
  state?: Partial<RequestState>
  call?: Partial<PhaseCall>
  /** Answers each I/O request (default: fails it). */
  answer?: (
    request: NonNullable<PhaseResult['io']>[number],
  ) => { ok: true; value: unknown } | { ok: false; error: string }
}

/** Configures the probe with `code` and runs it in `phase` (resuming with answers until done). */
export function probe(
  isolate: TestIsolate,
  phase: PhaseCall['phase'],
  code: string,
  options: ProbeOptions = {},
): ProbeRun {
  isolate.run('globalThis.__probe = undefined')
  const configured = isolate.dispatch({
    kind: 'configure',
    seq: seqCounter++,
    plugin: 'probe',
    configs: { 'c-probe': { code } },
  })
  if (configured.fault) throw new Error(configured.fault)
  let result = isolate.dispatch(
    phaseCall(phase, ['probe'], { state: requestState(options.state), ...options.call }),
  )
  const io: NonNullable<PhaseResult['io']> = []
  for (let round = 0; round < 20 && result.pending !== undefined; round++) {
    const answers = (result.io ?? []).map((request) => {
      io.push(request)
      return {
        id: request.id,
        ...(options.answer?.(request) ?? { ok: false as const, error: 'no answer in this test' }),
      }
    })
    result = isolate.dispatch({ kind: 'resume', seq: seqCounter++, pending: result.pending, io: answers })
  }
  const kept = JSON.parse(String(isolate.run('JSON.stringify(globalThis.__probe ?? null)'))) as {
    value?: unknown
  } | null
  return { result, value: kept?.value, io }
}

/** A fresh isolate with the probe plugin (bundled once per test file by the caller). */
export function probeIsolate(probeBundle: { name: string; code: string }[], init?: TestInit): TestIsolate {
  return loadInIsolate(probeBundle, init)
}
