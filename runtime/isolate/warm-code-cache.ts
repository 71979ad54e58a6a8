import ivm from 'isolated-vm'
import { LRUCache } from 'lru-cache'
import { codeKey, seedCodeCache } from './code-cache.ts'
import { crossSync } from './crossing.ts'
import { HARDEN_SOURCE } from './gate-source.ts'
import type { CrossingWatchdog } from './watchdog.ts'

/**
 * Trusted, run after a bundle in a throwaway isolate: calls every function of the bundle's handler
 * (own properties, getters included, a few levels deep) with a stand-in that answers anything
 * (every property, call and `new` give the stand-in again; it is not thenable, iterates as empty),
 * so the calls go as deep as they can. Calling is what makes V8 compile a function; whatever the
 * calls do stays in the throwaway. api.ts routes are left out: each is a separate Admin API route
 * (some exist to misbehave when asked), and they run in the plugin host, not on the proxy path.
 */
const WARM_SOURCE = `(() => {
  const target = function () {}
  const stand = new Proxy(target, {
    get: (_, key) =>
      key === 'then' ? undefined
      : key === Symbol.toPrimitive ? () => 0
      : key === Symbol.iterator || key === Symbol.asyncIterator ? function* () {}
      : stand,
    apply: () => stand,
    construct: () => stand,
    has: () => false,
    set: () => true,
    deleteProperty: () => true,
    defineProperty: () => true,
    ownKeys: () => Reflect.ownKeys(target),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(target, key),
  })
  const seen = new Set()
  const visit = (value, depth) => {
    if (depth > 3 || value === null || (typeof value !== 'object' && typeof value !== 'function')) return
    if (seen.has(value) || seen.size > 1000) return
    seen.add(value)
    let keys = []
    try { keys = Reflect.ownKeys(value) } catch {}
    for (const key of keys.slice(0, 200)) {
      let member
      try { member = value[key] } catch { continue }
      if (typeof member === 'function') {
        try {
          const result = Reflect.apply(member, stand, [stand, stand, stand])
          // An async function's rejection is expected: keep it from being reported.
          if (result instanceof Promise) result.catch(() => {})
        } catch {}
      }
      visit(member, depth + 1)
    }
  }
  let bundle
  try { bundle = globalThis.__isogatePlugin } catch {}
  if (bundle !== null && typeof bundle === 'object') {
    try { visit(bundle.handler, 0) } catch {}
  }
})(); void 0`

/** Bundles already warmed (or tried) by this process, by source: each is warmed once. */
const attempts = new LRUCache<string, Promise<void>>({ max: 1000 })

export interface WarmOptions {
  memoryMb: number
  /** Each step's timeout (the bundle's top level, the warm-up calls), ms. */
  timeoutMs: number
  watchdog?: CrossingWatchdog | undefined
  label: string
}

/**
 * V8 compiles a function when it is first called, so a fresh isolate's first request paid for
 * compiling the plugin's handlers out of `plugin_cpu_ms` (a large handler failed its first call).
 * Before the first isolate of a bundle is built, this runs the bundle in a throwaway isolate, calls
 * its functions there (see WARM_SOURCE), and stores the code cache V8 then produces, which holds
 * the compiled handlers: isolates built from it start with them compiled. Nothing of the throwaway
 * is kept but that cache (V8's bytecode for the bundle's own source). Failures are ignored: the
 * bundle is then compiled as before.
 */
export function warmCodeCache(code: string, filename: string, options: WarmOptions): Promise<void> {
  const key = codeKey(code)
  let attempt = attempts.get(key)
  if (attempt === undefined) {
    attempt = warm(code, filename, options).catch(() => {})
    attempts.set(key, attempt)
  }
  return attempt
}

async function warm(code: string, filename: string, options: WarmOptions): Promise<void> {
  const isolate = new ivm.Isolate({ memoryLimit: options.memoryMb })
  try {
    // Asynchronous calls only before plugin code runs (they would run its queued tasks untimed).
    const context = await isolate.createContext()
    // Plugin code runs here as in any plugin isolate: without WebAssembly (its memory escapes the
    // heap limit) and Atomics.waitAsync (a pending one aborts the process when the isolate goes).
    const harden = await isolate.compileScript(HARDEN_SOURCE, { filename: 'isogate-harden' })
    const bundle = await isolate.compileScript(code, { filename })
    const warmer = await isolate.compileScript(WARM_SOURCE, { filename: 'isogate-warm-up' })
    const step = (run: (timeout: number) => unknown) =>
      crossSync(isolate, options.timeoutMs, run, options.watchdog, `${options.label} (warm-up)`)
    step((timeout) => harden.runSync(context, { timeout }))
    step((timeout) => bundle.runSync(context, { timeout }))
    try {
      step((timeout) => warmer.runSync(context, { timeout }))
    } catch {
      // A call that ran out of time was compiled all the same: keep what was compiled.
      if (isolate.isDisposed) return
    }
    // The same source again: V8's compilation cache answers with the script just run, whose
    // functions are now compiled, and serializes them all.
    const warmed: ivm.Script & ivm.CachedDataResult = isolate.compileScriptSync(code, {
      filename,
      produceCachedData: true,
    })
    if (warmed.cachedData) seedCodeCache(code, warmed.cachedData)
  } finally {
    if (!isolate.isDisposed) isolate.dispose()
  }
}
