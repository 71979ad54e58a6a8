import { decodeForm, isRecord, MAX_NESTING } from './form.ts'
import { HttpError } from './http-error.ts'
import { MAX_BODY_BYTES, readBody } from './read-body.ts'

/** A request body as Kong reads it: JSON as given, forms still untyped (see `inferValue`). */
export interface ParsedBody {
  value: Record<string, unknown>
  /** Form values are strings until typed from the entity schema. */
  form: boolean
}

const unsupported = () => new HttpError(415, 'Unsupported Media Type')

/**
 * Parses a POST/PUT/PATCH body: JSON, `application/x-www-form-urlencoded` or
 * `multipart/form-data` (Kong's three); an empty body without a content type is `{}`;
 * anything else is 415. The content type is checked before a byte is read.
 */
export async function parseBody(request: Request, limit = MAX_BODY_BYTES): Promise<ParsedBody> {
  const header = request.headers.get('content-type') ?? ''
  const contentType = header.toLowerCase()
  const kind = contentType.startsWith('application/json')
    ? 'json'
    : contentType.startsWith('application/x-www-form-urlencoded')
      ? 'urlencoded'
      : contentType.startsWith('multipart/form-data')
        ? 'multipart'
        : contentType === ''
          ? 'none'
          : undefined
  if (!kind) throw unsupported()
  const bytes = await readBody(request, limit)
  if (kind === 'none') {
    if (bytes.byteLength > 0) throw unsupported()
    return { value: {}, form: false }
  }
  if (kind === 'json') return { value: parseJson(bytes), form: false }
  if (kind === 'urlencoded') {
    return { value: decodeForm(new URLSearchParams(new TextDecoder().decode(bytes))), form: true }
  }
  return { value: decodeForm(await multipartPairs(bytes, header)), form: true }
}

function parseJson(bytes: Uint8Array): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    value = undefined
  }
  // Kong only takes a JSON object as the entity's fields, nested no deeper than lua-cjson decodes.
  if (!isRecord(value) || nestedTooDeep(value)) throw new HttpError(400, 'Cannot parse JSON body')
  return value
}

/** Whether a parsed JSON value nests deeper than MAX_NESTING (checked without recursion). */
function nestedTooDeep(value: object): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item
    if (typeof node !== 'object' || node === null) continue
    if (depth > MAX_NESTING) return true
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
  return false
}

async function multipartPairs(bytes: Uint8Array, contentType: string): Promise<[string, string][]> {
  let form: FormData
  try {
    form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData()
  } catch {
    throw new HttpError(400, 'Cannot parse multipart body')
  }
  const pairs: [string, string][] = []
  for (const [name, value] of form.entries()) {
    // A file part counts by its content, as Kong's multipart reader gives it.
    pairs.push([name, typeof value === 'string' ? value : await value.text()])
  }
  return pairs
}
