import { createHash } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { HARDEN_SOURCE } from '../isolate/index.ts'
import { EXTRACT_SOURCE } from './extract-source.ts'
import { META_CHILD_SOURCE } from './meta-child-source.ts'
import type { MetaLimits } from './meta-reader.ts'

/** Changes whenever the reader does: an answer of an older reader is never reused. */
const READER = createHash('sha256')
  .update(HARDEN_SOURCE)
  .update(EXTRACT_SOURCE)
  .update(META_CHILD_SOURCE)
  .digest('hex')

/**
 * Successful readers' answers (the extractor's JSON text, still checked on every use), by bundle
 * code, limits and reader: in memory for this process, and as `meta-<key>.json` beside the
 * bundles when given a folder, so a node's restart starts no reader for plugins it already read.
 */
export class MetaCache {
  private static readonly memory = new Map<string, string>()

  constructor(
    private readonly limits: MetaLimits,
    private readonly dir: string | undefined,
    /** Answers the build read ahead of time (read only), after `dir`. */
    private readonly prebuiltDir?: string,
  ) {}

  key(code: string): string {
    const { memoryMb, timeoutMs, maxChars } = this.limits
    return createHash('sha256')
      .update(`${READER}/${memoryMb}/${timeoutMs}/${maxChars}/`)
      .update(code)
      .digest('hex')
  }

  get(key: string): string | undefined {
    const known = MetaCache.memory.get(key)
    if (known !== undefined) return known
    for (const dir of [this.dir, this.prebuiltDir]) {
      if (dir === undefined) continue
      try {
        const raw = readFileSync(join(dir, `meta-${key}.json`), 'utf8')
        MetaCache.memory.set(key, raw)
        return raw
      } catch {
        // Not read there yet.
      }
    }
    return undefined
  }

  set(key: string, raw: string): void {
    MetaCache.memory.set(key, raw)
    if (this.dir === undefined) return
    // Written whole then renamed: a node starting beside another never reads half a file.
    const temporary = `${this.file(key)}.${process.pid}.tmp`
    try {
      writeFileSync(temporary, raw)
      renameSync(temporary, this.file(key))
    } catch {
      // A read-only or missing folder only costs a reader next time.
    }
  }

  private file(key: string): string {
    return join(this.dir as string, `meta-${key}.json`)
  }
}
