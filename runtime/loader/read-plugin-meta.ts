import ivm from 'isolated-vm'
import { HARDEN_SOURCE } from '../isolate/index.ts'
import { EXTRACT_SOURCE } from './extract-source.ts'
import { PluginMetaError, type PluginMetaErrorCode } from './meta-error.ts'
import type { PluginMeta, ReadMetaOptions } from './types.ts'

const DEFAULT_MEMORY_MB = 32
const DEFAULT_TIMEOUT_MS = 2000
/** More than any sane schema; a bigger answer means the plugin is playing games. */
const MAX_RESULT_CHARS = 4_000_000

const IN_ISOLATE_CODES = new Set<PluginMetaErrorCode>(['META_EVALUATION', 'META_SHAPE', 'META_READ'])

type Extracted = { ok: true; value: PluginMeta } | { ok: false; code: PluginMetaErrorCode; reason: string }

/**
 * Evaluates a bundle in a fresh, small isolate that is thrown away afterwards, and copies out its
 * priority, version, implemented methods and schema as one JSON string. Plugin code never runs in
 * this heap, and nothing of isolated-vm is reachable from inside. A bundle that throws, loops,
 * exhausts its heap or exports something unreadable gives a PluginMetaError.
 */
export async function readPluginMeta(
  bundle: { name: string; code: string },
  options: ReadMetaOptions = {},
): Promise<PluginMeta> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const isolate = new ivm.Isolate({ memoryLimit: options.memoryMb ?? DEFAULT_MEMORY_MB })
  let raw: unknown
  try {
    const context = await isolate.createContext()
    // Synchronous from here on, and hardened first: isolated-vm's async calls run queued V8 tasks
    // without a timeout, WebAssembly ignores memoryLimit and Atomics.waitAsync can abort the process.
    context.evalSync(HARDEN_SOURCE, { timeout })
    raw = context.evalClosureSync(EXTRACT_SOURCE, [bundle.code], {
      timeout,
      arguments: { copy: true },
      result: { copy: true },
    })
  } catch (error) {
    throw limitError(bundle.name, error, isolate, timeout)
  } finally {
    if (!isolate.isDisposed) isolate.dispose()
  }
  return checkResult(bundle.name, raw)
}

function limitError(name: string, error: unknown, isolate: ivm.Isolate, timeout: number): PluginMetaError {
  const message = error instanceof Error ? error.message : String(error)
  if (/timed out/i.test(message)) {
    return new PluginMetaError('META_TIMEOUT', name, `reading its metadata took longer than ${timeout} ms`)
  }
  if (isolate.isDisposed || /memory limit/i.test(message)) {
    return new PluginMetaError('META_MEMORY', name, 'reading its metadata exceeded the memory limit')
  }
  return new PluginMetaError('META_EVALUATION', name, `reading its metadata failed: ${message}`)
}

/** The isolate's answer is plugin-influenced data: check its shape before trusting any of it. */
function checkResult(name: string, raw: unknown): PluginMeta {
  const bad = (): PluginMetaError =>
    new PluginMetaError('META_READ', name, 'its metadata could not be read (the bundle altered JSON)')
  if (typeof raw !== 'string' || raw.length > MAX_RESULT_CHARS) throw bad()
  let result: Extracted
  try {
    result = JSON.parse(raw) as Extracted
  } catch {
    throw bad()
  }
  if (result === null || typeof result !== 'object') throw bad()
  if (result.ok === false && typeof result.reason === 'string') {
    throw new PluginMetaError(
      IN_ISOLATE_CODES.has(result.code) ? result.code : 'META_READ',
      name,
      result.reason,
    )
  }
  const value = result.ok === true ? result.value : undefined
  if (
    value === null ||
    typeof value !== 'object' ||
    !Array.isArray(value.phases) ||
    !value.phases.every((phase) => typeof phase === 'string')
  ) {
    throw bad()
  }
  const migrations = value.migrations
  const api = value.api ?? null
  if (
    !Array.isArray(migrations) ||
    !migrations.every((m) => m !== null && typeof m === 'object' && typeof m.name === 'string') ||
    (api !== null &&
      (!Array.isArray(api) ||
        !api.every(
          (route) =>
            route !== null &&
            typeof route === 'object' &&
            typeof route.path === 'string' &&
            Array.isArray(route.methods) &&
            route.methods.every((method) => typeof method === 'string'),
        )))
  ) {
    throw bad()
  }
  return {
    priority: value.priority,
    version: value.version,
    phases: value.phases,
    schema: value.schema ?? null,
    daos: value.daos ?? null,
    migrations: migrations.map((m) => ({ name: m.name, value: m.value ?? null })),
    api: api?.map((route) => ({ path: route.path, methods: [...route.methods] })) ?? null,
  }
}
