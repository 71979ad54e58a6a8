/**
 * The prelude: the code evaluated first in every plugin isolate (dispatcher + PDK, written in
 * `*.isolate.ts`), bundled to one script string for isolated-vm. Also a small helper that loads
 * it with plugin bundles into a real isolate, for tests of the in-isolate side.
 */
import { readFileSync } from 'node:fs'
import { buildSync } from 'esbuild'
import ivm from 'isolated-vm'
import { COMPILED, packageFile } from '../package-files.ts'
import type { HostMessage, InitCall, PhaseResult } from '../protocol.ts'

/** The file name prelude frames carry in stack traces. */
export const PRELUDE_FILENAME = 'isogate:prelude'

/** Where the build (`npm run build`, host/gateway/prebuild-main.ts) writes the prelude for the compiled tree. */
export const PREBUILT_PRELUDE = 'dist/prelude.js'

let cached: string | null = null

/**
 * The bundled prelude (an IIFE defining `globalThis.__isogate`), once per process: the compiled
 * tree reads the one the build made (no esbuild at start, ~0.2 s per worker); the sources build it.
 */
export function preludeSource(): string {
  cached ??= (COMPILED ? prebuiltPrelude() : null) ?? buildPrelude()
  return cached
}

function prebuiltPrelude(): string | null {
  try {
    return readFileSync(packageFile(PREBUILT_PRELUDE), 'utf8')
  } catch {
    return null
  }
}

/** The prelude built from its sources with esbuild (what the build writes to PREBUILT_PRELUDE). */
export function buildPrelude(): string {
  const result = buildSync({
    entryPoints: [packageFile('runtime/prelude/prelude.isolate.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    platform: 'neutral',
    write: false,
    sourcemap: false,
    // V8 keeps a script's whole source in every isolate that runs it: minified, the prelude is 58
    // instead of 123 KB in each. Its frames in a stack trace were never meant for plugin authors.
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    tsconfigRaw: {},
  })
  const file = result.outputFiles[0]
  if (!file) throw new Error('esbuild produced no prelude output')
  return file.text
}

/** What `meta(name)` answers (copied, not validated: the host validates). */
export interface PreludeMeta {
  priority: unknown
  version: unknown
  phases: string[]
  schema: unknown
}

export interface TestIsolate {
  /** One synchronous crossing: the message as JSON in, the PhaseResult JSON parsed out. */
  dispatch(message: HostMessage): PhaseResult
  meta(name: string): PreludeMeta
  /** Evaluates a script in the plugin context and copies its result out (tests only). */
  run(code: string): unknown
  dispose(): void
}

export type TestInit = Partial<Omit<InitCall, 'kind'>>

/**
 * A real isolate with the prelude, each bundle evaluated and adopted under its name, then the
 * `init` message. Not a mock: everything crosses as JSON strings through `applySync`.
 */
export function loadInIsolate(
  bundles: readonly { name: string; code: string }[],
  init: TestInit = {},
  options: { memoryMb?: number; timeoutMs?: number } = {},
): TestIsolate {
  const isolate = new ivm.Isolate({ memoryLimit: options.memoryMb ?? 64 })
  const timeout = options.timeoutMs ?? 5000
  try {
    const context = isolate.createContextSync()
    isolate.compileScriptSync(preludeSource(), { filename: PRELUDE_FILENAME }).runSync(context)
    const api = context.global.getSync('__isogate', { reference: true })
    const adopt = api.getSync('adopt', { reference: true })
    const meta = api.getSync('meta', { reference: true })
    const dispatch = api.getSync('dispatch', { reference: true })
    for (const bundle of bundles) {
      isolate
        .compileScriptSync(bundle.code, { filename: `plugin:${bundle.name}` })
        .runSync(context, { timeout })
      adopt.applySync(undefined, [bundle.name], { timeout })
    }
    const cross = (message: HostMessage): PhaseResult =>
      JSON.parse(
        dispatch.applySync(undefined, [JSON.stringify(message)], { timeout }) as string,
      ) as PhaseResult
    const initResult = cross({
      kind: 'init',
      seq: 0,
      node: init.node ?? { id: 'node-1', hostname: 'test-host', version: '0.1.0' },
      workspace: init.workspace ?? { id: 'ws-1', name: 'default' },
      trustedIps: init.trustedIps ?? [],
      ...(init.egress ? { egress: init.egress } : {}),
    })
    if (initResult.fault) throw new Error(`init failed: ${initResult.fault}`)
    return {
      dispatch: cross,
      meta: (name) => JSON.parse(meta.applySync(undefined, [name], { timeout }) as string) as PreludeMeta,
      run: (code) => context.evalSync(code, { timeout, copy: true }),
      dispose: () => {
        if (!isolate.isDisposed) isolate.dispose()
      },
    }
  } catch (error) {
    if (!isolate.isDisposed) isolate.dispose()
    throw error
  }
}

/** IP literal spellings and CIDR matching, shared with the host's egress check (host/egress). */
export { formatIp, type IpAddress, ipLiteral } from './egress.isolate.ts'
export { type Cidr, cidrContains, parseCidr } from './ip.isolate.ts'

/** A plausible request state for tests of the in-isolate side (and of plugins). */
export { requestState } from './request-state-fixture.ts'
