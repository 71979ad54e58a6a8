import type { Message } from 'esbuild'
import { BundleError, type BundleErrorCode, type BundleErrorLocation } from './bundle-error.ts'
import { type BundleRoots, labelOf } from './labels.ts'

const GUARD_CODES = new Set<string>(['BUNDLE_FORBIDDEN_IMPORT', 'BUNDLE_UNRESOLVED'])

/** One warning line: `file:line:column: text`, the file relative to the plugin folder. */
export function warningLine(message: Message, roots: BundleRoots): string {
  const location = locationOf(message, roots, true)
  const where = location ? `${location.file}:${location.line}:${location.column}: ` : ''
  return where + oneLine(message.text)
}

/**
 * Turns a failed esbuild run into one BundleError for its first error: the guard's refusals
 * keep their code and point at `file:line`, anything esbuild rejected is BUNDLE_SYNTAX at
 * `file:line:column`. A failure inside our own plugins is a bug, not the author's: plain Error.
 */
export function bundleFailure(error: unknown, name: string, roots: BundleRoots): Error {
  const errors = (error as { errors?: Message[] } | null)?.errors
  const first = errors?.[0]
  if (!errors || !first) return error instanceof Error ? error : new Error(String(error))
  const guardCode =
    typeof first.detail === 'string' && GUARD_CODES.has(first.detail) ? first.detail : undefined
  if (first.pluginName !== '' && guardCode === undefined) {
    return new Error(`plugin ${name}: bundler failure: ${oneLine(first.text)}`, { cause: first.detail })
  }
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : ''
  const code: BundleErrorCode = (guardCode as BundleErrorCode | undefined) ?? 'BUNDLE_SYNTAX'
  return new BundleError(
    code,
    name,
    oneLine(first.text) + more,
    locationOf(first, roots, guardCode === undefined),
  )
}

function locationOf(
  message: Message,
  roots: BundleRoots,
  withColumn: boolean,
): BundleErrorLocation | undefined {
  const location = message.location
  if (!location) return undefined
  const file = labelOf(
    location.namespace && location.namespace !== 'file'
      ? `${location.namespace}:${location.file}`
      : location.file,
    roots,
  )
  // esbuild counts columns from 0; editors and V8 stack traces count from 1.
  return withColumn
    ? { file, line: location.line, column: location.column + 1 }
    : { file, line: location.line }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
