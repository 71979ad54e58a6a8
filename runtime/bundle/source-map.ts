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

/**
 * A bundle without its inline source map: what an isolate runs. The map serves only the host
 * (mapStack), and V8 keeps a script's whole source in every isolate that runs it: the map is most
 * of a bundle's text (47 of request-transformer's 64 KB). It sits after the last line of code,
 * so no line or column moves.
 */
export function withoutSourceMap(code: string): string {
  const match = INLINE_MAP.exec(code)
  return match ? code.slice(0, match.index + 1) : code
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
