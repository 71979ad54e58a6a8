import { createHash } from 'node:crypto'
import type ivm from 'isolated-vm'
import { LRUCache } from 'lru-cache'

/**
 * V8 code cache for the scripts this process compiles (prelude, gate, bundles), shared by every
 * isolate of the process: the second isolate running the same source skips most of the parse.
 * Only data V8 produced here, for the exact source it is keyed by (sha256), is ever handed back;
 * never cached data from elsewhere, never isolated-vm snapshots.
 */
interface Entry {
  data: ivm.ExternalCopy<ArrayBuffer>
  bytes: number
}

const cache = new LRUCache<string, Entry>({
  maxSize: 64 * 1024 * 1024,
  sizeCalculation: (entry) => Math.max(1, entry.bytes),
})

/** The cache key of a source: its sha256. */
export function codeKey(code: string): string {
  return createHash('sha256').update(code).digest('base64')
}

/** Replaces the cached data of `code` (warm-code-cache.ts: data that includes compiled handlers). */
export function seedCodeCache(code: string, data: ivm.ExternalCopy<ArrayBuffer>): void {
  cache.set(codeKey(code), { data, bytes: data.copy().byteLength })
}

/**
 * Compiles `code` for `isolate` (off the host thread), with the cached data of an earlier compile
 * of the same source when there is one. Only call before any untrusted code has run in the
 * isolate: async isolated-vm calls run V8's pending tasks, which may hold plugin code.
 */
export async function compileCached(
  isolate: ivm.Isolate,
  code: string,
  filename: string,
  useCache: boolean,
): Promise<ivm.Script> {
  if (!useCache) return isolate.compileScript(code, { filename })
  const key = codeKey(code)
  const entry = cache.get(key)
  // With both options V8 produces new data only when the supplied data was rejected.
  const script: ivm.Script & ivm.CachedDataResult = await isolate.compileScript(code, {
    filename,
    produceCachedData: true,
    ...(entry ? { cachedData: entry.data } : {}),
  })
  if (script.cachedData)
    cache.set(key, { data: script.cachedData, bytes: script.cachedData.copy().byteLength })
  return script
}
