import { availableParallelism } from 'node:os'
import { isAbsolute, resolve } from 'node:path'
import { ValueError } from './value-error.ts'

/** What a parser may need besides the raw text: relative paths resolve against these. */
export interface ParseContext {
  /** The working directory the configuration was loaded from. */
  cwd: string
  /** The already resolved, absolute `prefix`. */
  prefix: string
}

/**
 * Turns the raw text of one key (already trimmed; `''` means unset) into its typed value, or throws
 * a ValueError saying what was expected.
 */
export type Parser<T> = (raw: string, ctx: ParseContext) => T

/** Unset (`''`) becomes null; anything else goes to `parse`. */
export function optional<T>(parse: Parser<T>): Parser<T | null> {
  return (raw, ctx) => (raw === '' ? null : parse(raw, ctx))
}

export const string: Parser<string> = (raw) => {
  if (raw === '') throw new ValueError('a non-empty string')
  return raw
}

export const boolean: Parser<boolean> = (raw) => {
  const value = raw.toLowerCase()
  if (value === 'on' || value === 'true') return true
  if (value === 'off' || value === 'false') return false
  throw new ValueError('on or off')
}

export function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new ValueError(`an integer from ${min} to ${max}`)
    }
    return value
  }
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }

/** nginx-style sizes: `0`, `512`, `16k`, `8m`, `1g` → bytes. */
export function size(min = 0): Parser<number> {
  return (raw) => {
    const match = /^(\d+)([kmg]?)$/i.exec(raw)
    const bytes = match ? Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]! : Number.NaN
    if (!Number.isSafeInteger(bytes) || bytes < min) {
      throw new ValueError(
        `a size in bytes with an optional k, m or g suffix${min > 0 ? `, at least ${min}` : ''}`,
      )
    }
    return bytes
  }
}

export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  return (raw) => {
    if ((values as readonly string[]).includes(raw)) return raw as T
    throw new ValueError(`one of ${values.join(', ')}`)
  }
}

/** Comma list; whitespace around items and empty items are dropped. */
export const list: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')

/** A path, made absolute against the working directory. */
export const path: Parser<string> = (raw, ctx) => resolve(ctx.cwd, raw)

/** Comma list of paths, each made absolute against the working directory. */
export const pathList: Parser<string[]> = (raw, ctx) => list(raw, ctx).map((item) => resolve(ctx.cwd, item))

/** `auto` is the CPU count, as nginx's `worker_processes auto`. */
export const workerProcesses: Parser<number> = (raw, ctx) => {
  if (raw === 'auto') return availableParallelism()
  try {
    return integer(1, 1024)(raw, ctx)
  } catch {
    throw new ValueError('auto or an integer from 1 to 1024')
  }
}

const PLUGIN_NAME = /^[a-z0-9][a-z0-9_-]*$/

/** Plugin names; `bundled` stays in the list (the loader expands it), `off` means none. */
export const plugins: Parser<string[]> = (raw, ctx) => {
  if (raw === 'off') return []
  const names = list(raw, ctx)
  for (const name of names) {
    if (!PLUGIN_NAME.test(name)) {
      throw new ValueError(`"bundled", "off" or a comma list of plugin names (bad name "${name}")`)
    }
  }
  return [...new Set(names)]
}

const HEADER_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

export const headerName: Parser<string> = (raw) => {
  if (raw === 'proxy_protocol') throw new ValueError('a header name (the PROXY protocol is not supported)')
  if (!HEADER_TOKEN.test(raw)) throw new ValueError('a header name')
  return raw
}

/** `stdout`, `off`, or a file path relative to `prefix` (made absolute). */
export const accessLogTarget: Parser<string> = (raw, ctx) => {
  if (raw === '') throw new ValueError('stdout, off or a file path')
  if (raw === 'stdout' || raw === 'off') return raw
  return isAbsolute(raw) ? raw : resolve(ctx.prefix, raw)
}
