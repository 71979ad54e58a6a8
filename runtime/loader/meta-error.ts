export type PluginMetaErrorCode =
  /** The bundle threw while it was evaluated (top-level code). */
  | 'META_EVALUATION'
  /** The bundle ran but left no usable handler or schema. */
  | 'META_SHAPE'
  /** Reading the handler or schema threw, or the schema is not JSON-serialisable. */
  | 'META_READ'
  | 'META_TIMEOUT'
  | 'META_MEMORY'

/**
 * Why a plugin's metadata could not be read. `message` is one line:
 * `plugin <name>: <reason>`. Matched by name (`isPluginMetaError`), not `instanceof`.
 */
export class PluginMetaError extends Error {
  readonly code: PluginMetaErrorCode
  readonly plugin: string

  constructor(code: PluginMetaErrorCode, plugin: string, reason: string) {
    super(`plugin ${plugin}: ${oneLine(reason)}`)
    this.name = 'PluginMetaError'
    this.code = code
    this.plugin = plugin
  }
}

export function isPluginMetaError(value: unknown): value is PluginMetaError {
  return value instanceof Error && value.name === 'PluginMetaError'
}

/** Plugin-made messages may hold newlines or be huge; the CLI prints one short line. */
function oneLine(text: string): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ').trim()
  return flat.length > 300 ? `${flat.slice(0, 300)}...` : flat
}
