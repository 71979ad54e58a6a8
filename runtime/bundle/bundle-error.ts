/** What went wrong while bundling a plugin; every code is an operator (plugin author) mistake. */
export type BundleErrorCode =
  | 'BUNDLE_NOT_A_FOLDER'
  | 'BUNDLE_MISSING_FILE'
  | 'BUNDLE_FORBIDDEN_IMPORT'
  | 'BUNDLE_UNRESOLVED'
  | 'BUNDLE_SYNTAX'
  | 'BUNDLE_TOO_LARGE'

/** Where in the plugin folder the problem is; `file` is relative to the plugin folder. */
export interface BundleErrorLocation {
  file: string
  line?: number
  column?: number
}

/**
 * A plugin that cannot be bundled. `message` is one line fit for the CLI:
 * `plugin <name>: <file>:<line>: <reason>`. The name is matched by `isBundleError`, not
 * `instanceof`, so it survives module duplication.
 */
export class BundleError extends Error {
  readonly code: BundleErrorCode
  readonly plugin: string
  readonly location: BundleErrorLocation | undefined

  constructor(code: BundleErrorCode, plugin: string, reason: string, location?: BundleErrorLocation) {
    super(`plugin ${plugin}: ${location ? `${formatLocation(location)}: ` : ''}${reason}`)
    this.name = 'BundleError'
    this.code = code
    this.plugin = plugin
    this.location = location
  }
}

export function isBundleError(value: unknown): value is BundleError {
  return value instanceof Error && value.name === 'BundleError'
}

function formatLocation({ file, line, column }: BundleErrorLocation): string {
  if (line === undefined) return file
  return column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`
}
