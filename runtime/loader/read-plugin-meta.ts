import { MetaCache } from './meta-cache.ts'
import { PluginMetaError, type PluginMetaErrorCode } from './meta-error.ts'
import { type MetaLimits, type RawMeta, readRawMetas } from './meta-reader.ts'
import type { PluginMeta, ReadMetaOptions } from './types.ts'

const DEFAULT_MEMORY_MB = 32
const DEFAULT_TIMEOUT_MS = 2000
/** More than any sane schema; a bigger answer means the plugin is playing games. */
const MAX_RESULT_CHARS = 4_000_000

const IN_ISOLATE_CODES = new Set<PluginMetaErrorCode>(['META_EVALUATION', 'META_SHAPE', 'META_READ'])

type Extracted = { ok: true; value: PluginMeta } | { ok: false; code: PluginMetaErrorCode; reason: string }

/**
 * Evaluates a bundle in a fresh, small isolate that is thrown away afterwards, and copies out its
 * priority, version, implemented methods and schema as one JSON string. See readPluginMetas.
 */
export async function readPluginMeta(
  bundle: { name: string; code: string },
  options: ReadMetaOptions = {},
): Promise<PluginMeta> {
  const [meta] = await readPluginMetas([bundle], options)
  return meta as PluginMeta
}

/**
 * Each bundle's metadata, read in isolates inside a reader process of their own (meta-reader.ts):
 * plugin code never runs in this process, and nothing of isolated-vm is reachable from inside.
 * A bundle that throws, loops, hangs its reader, exhausts its heap or exports something
 * unreadable gives a PluginMetaError (the first such bundle's). Successful reads are cached
 * (meta-cache.ts), so only bundles not read before start a reader.
 */
export async function readPluginMetas(
  bundles: readonly { name: string; code: string }[],
  options: ReadMetaOptions = {},
): Promise<PluginMeta[]> {
  const limits: MetaLimits = {
    memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxChars: MAX_RESULT_CHARS,
  }
  const cache = new MetaCache(limits, options.cacheDir, options.prebuiltDir)
  const keys = bundles.map((bundle) => cache.key(bundle.code))
  const raws = keys.map((key) => cache.get(key))
  const missing = bundles.flatMap((bundle, i) => (raws[i] === undefined ? [{ bundle, i }] : []))
  if (missing.length > 0) {
    const answers = await readRawMetas(
      missing.map(({ bundle }) => bundle.code),
      limits,
    )
    for (const [j, { bundle, i }] of missing.entries()) {
      const answer = answers[j] ?? { lost: 'exited' }
      if (!('raw' in answer)) noAnswer(bundle.name, answer, limits.timeoutMs)
      checkResult(bundle.name, answer.raw)
      cache.set(keys[i] as string, answer.raw)
      raws[i] = answer.raw
    }
  }
  return bundles.map((bundle, i) => checkResult(bundle.name, raws[i]))
}

/** Why the reader gave no extractor answer for a bundle, as the PluginMetaError to throw. */
function noAnswer(name: string, answer: Exclude<RawMeta, { raw: string }>, timeout: number): never {
  if ('tooLong' in answer) throw unreadable(name)
  if ('lost' in answer) {
    if (answer.lost === 'start') {
      throw new PluginMetaError('META_EVALUATION', name, 'the metadata reader process did not start')
    }
    if (answer.lost === 'timeout') {
      throw new PluginMetaError(
        'META_TIMEOUT',
        name,
        `reading its metadata did not finish in time (limit ${timeout} ms); its reader was killed`,
      )
    }
    throw new PluginMetaError('META_EVALUATION', name, 'reading its metadata crashed its reader process')
  }
  if (/timed out/i.test(answer.error)) {
    throw new PluginMetaError('META_TIMEOUT', name, `reading its metadata took longer than ${timeout} ms`)
  }
  if (answer.disposed || /memory limit/i.test(answer.error)) {
    throw new PluginMetaError('META_MEMORY', name, 'reading its metadata exceeded the memory limit')
  }
  throw new PluginMetaError('META_EVALUATION', name, `reading its metadata failed: ${answer.error}`)
}

const unreadable = (name: string): PluginMetaError =>
  new PluginMetaError('META_READ', name, 'its metadata could not be read (the bundle altered JSON)')

/** The isolate's answer is plugin-influenced data: check its shape before trusting any of it. */
function checkResult(name: string, raw: unknown): PluginMeta {
  const bad = () => unreadable(name)
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
