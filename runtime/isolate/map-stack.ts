import { createHash } from 'node:crypto'
import { SourceMap } from 'node:module'
import { LRUCache } from 'lru-cache'
import { extractSourceMap } from '../bundle/index.ts'
import { bundleFilename } from './gate-source.ts'

/** Parsed maps by bundle, so a plugin that throws on every request costs one parse, not one each. */
const maps = new LRUCache<string, { map: SourceMap | null }>({ max: 64 })

function sourceMapOf(code: string): SourceMap | null {
  const key = createHash('sha256').update(code).digest('base64')
  let cached = maps.get(key)
  if (cached === undefined) {
    const payload = extractSourceMap(code)
    cached = {
      map: payload ? new SourceMap(payload as unknown as ConstructorParameters<typeof SourceMap>[0]) : null,
    }
    maps.set(key, cached)
  }
  return cached.map
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A location that names a host file: absolute path, file: or node: URL, Windows drive. */
const HOST_LOCATION = /(?:^|[\s(])(?:\/|file:|node:|[A-Za-z]:\\)/

/**
 * Rewrites an isolate stack so positions in a bundle name the plugin's own files:
 * `at access (isogate-plugin:my-plugin:12:7)` → `at access (my-plugin/handler.ts:5:11)`. Sources
 * are labelled by the bundler relative to the plugin folder (`lib/util.ts`) or by a virtual name
 * (`isogate-sdk:index.ts`, kept as is). Positions with no mapping keep the bundle name; frame
 * lines that name a host file, and everything from isolated-vm's boundary marker on, are dropped:
 * no host path ever appears in the output.
 */
export function mapStack(stack: string, bundles: readonly { name: string; code: string }[]): string {
  const cut = stack.indexOf('<isolated-vm boundary>')
  const inside = cut === -1 ? stack : stack.slice(0, stack.lastIndexOf('\n', cut))
  let lines = inside.split('\n')
  for (const bundle of bundles) {
    const pattern = `${escapeRegExp(bundleFilename(bundle.name))}:(\\d+):(\\d+)`
    const present = new RegExp(pattern)
    if (!lines.some((line) => present.test(line))) continue
    const position = new RegExp(pattern, 'g')
    const map = sourceMapOf(bundle.code)
    if (!map) continue
    lines = lines.map((line) =>
      line.replace(position, (found, line: string, column: string) => {
        const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as Partial<{
          originalSource: string
          originalLine: number
          originalColumn: number
        }>
        if (entry.originalSource === undefined || entry.originalLine === undefined) return found
        const source = entry.originalSource.includes(':')
          ? entry.originalSource
          : `${bundle.name}/${entry.originalSource}`
        return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`
      }),
    )
  }
  return lines
    .filter((line, i) => i === 0 || !(line.trimStart().startsWith('at ') && HOST_LOCATION.test(line)))
    .join('\n')
}
