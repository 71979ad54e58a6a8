import { GatewayError } from '../../errors/index.ts'

export const DEFAULT_PAGE_SIZE = 100
export const MAX_PAGE_SIZE = 1000

/** Kong's page size rule (kong/db/dao/init.lua). */
export function checkSize(size: number | undefined): number {
  if (size === undefined) return DEFAULT_PAGE_SIZE
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new GatewayError('INVALID_SIZE', `size must be an integer between 1 and ${MAX_PAGE_SIZE}`)
  }
  return size
}

/** Offsets are opaque to clients: base64 of the JSON list of the last row's sort keys. */
export function encodeOffset(keys: string[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64')
}

export function decodeOffset(offset: string, arity: number): string[] {
  const invalid = (reason: string) =>
    new GatewayError('INVALID_OFFSET', `'${offset}' is not a valid offset: ${reason}`)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(offset)) throw invalid('bad base64 encoding')
  let keys: unknown
  try {
    keys = JSON.parse(Buffer.from(offset, 'base64').toString('utf8'))
  } catch {
    throw invalid('bad json')
  }
  if (!Array.isArray(keys) || keys.length !== arity || keys.some((key) => typeof key !== 'string')) {
    throw invalid('bad offset')
  }
  return keys as string[]
}

/** Kong's tag filter limits (validate_options_value). */
export function checkTags(tags: string[] | undefined): void {
  if (tags && tags.length > 5) {
    throw new GatewayError('INVALID_OPTIONS', 'invalid option (tags: cannot query more than 5 tags)', {
      tags: 'cannot query more than 5 tags',
    })
  }
}
