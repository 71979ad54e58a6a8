/**
 * kong.request.getBody / kong.service.response.getBody: a raw body parsed by content type
 * (form, JSON, multipart), with Kong's error texts. Parsing happens inside the isolate.
 */
import { misuse, PdkError } from './errors.isolate.ts'
import { JsonParse, StringIndexOf, StringSlice, StringToLowerCase, StringTrim } from './intrinsics.isolate.ts'
import { parseMultipart } from './multipart.isolate.ts'
import { type Args, decodeArgs } from './uri.isolate.ts'

export const FORM = 'application/x-www-form-urlencoded'
export const JSON_TYPE = 'application/json'
export const MULTIPART = 'multipart/form-data'

/** Kong's max_args checks (1..1000, default 100). */
export function maxArgs(fn: string, value: unknown, name = 'max_args'): number {
  if (value === undefined || value === null) return 100
  if (typeof value !== 'number') throw misuse(fn, `${name} must be a number`)
  if (!(value >= 1)) throw misuse(fn, `${name} must be >= 1`)
  if (value > 1000) throw misuse(fn, `${name} must be <= 1000`)
  return value
}

/** The media type of a Content-Type value: lower case, parameters removed. */
export function mediaType(contentType: string): string {
  const lower = StringToLowerCase(contentType)
  const semicolon = StringIndexOf(lower, ';')
  return StringTrim(semicolon < 0 ? lower : StringSlice(lower, 0, semicolon))
}

/** Checks the arguments before any body is read; returns the media type to parse as. */
export function bodyKind(fn: string, contentType: string | null, limit: unknown): string {
  if (contentType === null) throw new PdkError('missing content type')
  const media = mediaType(contentType)
  if (isType(media, FORM)) maxArgs(fn, limit)
  return media
}

/** `application/json` also covers `application/json-patch+json` etc. (Kong compares prefixes). */
function isType(media: string, type: string): boolean {
  return StringIndexOf(media, type) === 0
}

/** Parses a raw body whose Content-Type is `contentType` (already checked by bodyKind). */
export function parseBody(fn: string, raw: string, contentType: string, limit: unknown): unknown {
  const media = mediaType(contentType)
  if (isType(media, FORM)) return decodeArgs(raw, maxArgs(fn, limit)) as Args
  if (isType(media, JSON_TYPE)) {
    let parsed: unknown
    try {
      parsed = JsonParse(raw)
    } catch {
      throw new PdkError('invalid json body')
    }
    if (parsed === null || typeof parsed !== 'object') throw new PdkError('invalid json body')
    return parsed
  }
  if (isType(media, MULTIPART)) {
    const parts = parseMultipart(raw, contentType)
    if (!parts) throw new PdkError('unable to decode multipart body')
    return parts
  }
  throw new PdkError(`unsupported content type '${contentType}'`)
}
