import ivm from 'isolated-vm'
import { withoutSourceMap } from '../bundle/index.ts'
import type { InitCall } from '../protocol.ts'
import { compileCached } from './code-cache.ts'
import { crossSync } from './crossing.ts'
import {
  bundleFilename,
  GATE_FILENAME,
  GATE_SOURCE,
  HARDEN_FILENAME,
  HARDEN_SOURCE,
  PRELUDE_FILENAME,
  readFenced,
} from './gate-source.ts'
import { IsolateError, isIsolateError } from './isolate-error.ts'
import { PluginIsolate } from './plugin-isolate.ts'
import { warmCodeCache } from './warm-code-cache.ts'
import type { CrossingWatchdog } from './watchdog.ts'

export interface PluginIsolateOptions {
  /** isolated-vm `memoryLimit` (heap plus ArrayBuffers), MB; at least 8. */
  memoryMb: number
  /** The in-isolate prelude (runtime/prelude `preludeSource()`): defines `globalThis.__isogate`. */
  prelude: string
  /** Bundles to evaluate in order; each sets `globalThis.__isogatePlugin`, then is adopted by name. */
  plugins: { name: string; code: string }[]
  /** Sent once every bundle is adopted. */
  init: InitCall
  /** Timeout of each start-up step (prelude, each bundle, each adopt, init), ms. Default 1000. */
  stepTimeoutMs?: number
  /** Reuse V8 code cache produced by earlier compiles of the same source. Default true. */
  codeCache?: boolean
  /** Guards every synchronous crossing of this isolate (see watchdog.ts). */
  watchdog?: CrossingWatchdog
  /** Names the isolate in the watchdog's line (the pool key, say). Default: the plugin names. */
  label?: string
}

/** Lets the completion value of a script be `undefined`, so running it never copies an object out. */
const asStatement = (code: string): string => `${code}\n;void 0;\n`

/**
 * Builds an isolate: context, hardening, prelude, the fences over `__isogate`, each bundle followed
 * by `__isogate.adopt(name)`, then `dispatch(init)`. All compiling happens first (off the host
 * thread, with code cache); everything that runs code is synchronous and under a timeout. On any
 * failure the isolate is disposed and an IsolateError is thrown: `exception` with `plugin` set when
 * a bundle threw or its adopt was refused, a limit, or a BridgeViolation from the init answer.
 */
export async function createPluginIsolate(options: PluginIsolateOptions): Promise<PluginIsolate> {
  const started = performance.now()
  const timeoutMs = options.stepTimeoutMs ?? 1000
  const useCache = options.codeCache ?? true
  const label = options.label ?? options.plugins.map((plugin) => plugin.name).join(',')
  const { watchdog } = options
  const isolate = new ivm.Isolate({ memoryLimit: options.memoryMb })
  try {
    const context = await isolate.createContext()
    const compile = (code: string, filename: string, plugin?: string): Promise<ivm.Script> =>
      compileCached(isolate, code, filename, useCache).catch((error: unknown) => {
        throw new IsolateError(
          'exception',
          `${plugin ? `plugin ${plugin}` : 'the prelude'} does not compile: ${String(error)}`,
          plugin ? { plugin } : {},
        )
      })
    const harden = await compile(HARDEN_SOURCE, HARDEN_FILENAME)
    const prelude = await compile(asStatement(options.prelude), PRELUDE_FILENAME)
    const gate = await compile(GATE_SOURCE, GATE_FILENAME)
    const bundles: ivm.Script[] = []
    for (const plugin of options.plugins) {
      const code = asStatement(withoutSourceMap(plugin.code))
      // So the first request does not pay for compiling the handlers (see warm-code-cache.ts).
      if (useCache) {
        const warmOptions = { memoryMb: options.memoryMb, timeoutMs, watchdog, label }
        await warmCodeCache(code, bundleFilename(plugin.name), warmOptions)
      }
      bundles.push(await compile(code, bundleFilename(plugin.name), plugin.name))
    }

    // From here on plugin code runs: synchronous isolated-vm calls only.
    const step = <T>(run: (timeout: number) => T, failure: string, plugin?: string): T => {
      try {
        return crossSync(isolate, timeoutMs, run, watchdog, label, failure)
      } catch (error) {
        throw plugin !== undefined && isIsolateError(error) && error.code === 'exception'
          ? new IsolateError('exception', error.message, { plugin, stack: error.stack ?? '' })
          : error
      }
    }
    step((timeout) => harden.runSync(context, { timeout }), 'hardening failed')
    step((timeout) => prelude.runSync(context, { timeout }), 'the prelude threw')
    const fences = step(
      (timeout) => gate.runSync(context, { timeout, reference: true }) as ivm.Reference<unknown[]>,
      'the prelude is unusable',
    )
    const [dispatch, meta, adopt] = [0, 1, 2].map((i) => fences.getSync(i, { reference: true }))
    fences.release()
    if (!dispatch || !meta || !adopt) throw new Error('the gate script did not return three fences')

    options.plugins.forEach((plugin, i) => {
      step(
        (timeout) => bundles[i]!.runSync(context, { timeout }),
        `plugin ${plugin.name} threw while loading`,
        plugin.name,
      )
      const answer = readFenced(
        step(
          (timeout) =>
            adopt.applySync(undefined, [plugin.name], {
              arguments: { copy: true },
              result: { copy: true },
              timeout,
            }),
          `plugin ${plugin.name} could not be adopted`,
          plugin.name,
        ),
      )
      if (!answer.ok) {
        throw new IsolateError(
          'exception',
          `plugin ${plugin.name} was refused by the prelude: ${answer.detail}`,
          {
            plugin: plugin.name,
          },
        )
      }
    })

    const pluginIsolate = new PluginIsolate({
      isolate,
      dispatch,
      meta,
      memoryMb: options.memoryMb,
      plugins: options.plugins.map((plugin) => plugin.name),
      label,
      watchdog,
    })
    pluginIsolate.dispatch(options.init, timeoutMs)
    pluginIsolate.startMs = performance.now() - started
    return pluginIsolate
  } catch (error) {
    if (!isolate.isDisposed) isolate.dispose()
    throw error
  }
}
