import { type BundleRoots, labelOf } from './labels.ts'

/** A source map (v3) as esbuild writes it. */
export interface SourceMap {
  version: number
  sources: string[]
  sourcesContent?: (string | null)[]
  mappings: string
  names: string[]
  [key: string]: unknown
}

const INLINE_MAP =
  /\n\/\/# sourceMappingURL=data:application\/json(?:;charset=utf-8)?;base64,([A-Za-z0-9+/=]+)\s*$/

/**
 * Appends `map` to `code` as an inline source map whose sources are named relative to the plugin
 * folder (`handler.ts`, `node_modules/tiny-lib/index.js`, `isogate/sdk/index.ts`), so a stack
 * trace mapped later never shows where the host keeps its files.
 */
export function inlineSourceMap(code: string, mapJson: string, roots: BundleRoots): string {
  const map = JSON.parse(mapJson) as SourceMap
  map.sources = map.sources.map((source) => labelOf(source, roots))
  const body = code.endsWith('\n') ? code : `${code}\n`
  return `${body}//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`
}

/** The inline source map at the end of a bundle, or null when there is none (or it is unreadable). */
export function extractSourceMap(code: string): SourceMap | null {
  const match = INLINE_MAP.exec(code)
  if (!match?.[1]) return null
  try {
    const map: unknown = JSON.parse(Buffer.from(match[1], 'base64').toString('utf8'))
    return isSourceMap(map) ? map : null
  } catch {
    return null
  }
}

function isSourceMap(value: unknown): value is SourceMap {
  const map = value as Partial<SourceMap> | null
  return (
    typeof map === 'object' && map !== null && Array.isArray(map.sources) && typeof map.mappings === 'string'
  )
}
