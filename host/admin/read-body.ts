import { HttpError } from './http-error.ts'

/** Kong's Admin API `client_max_body_size` (10m). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

/**
 * Reads a request body, counting bytes as they arrive (chunked uploads included) and giving up
 * with 413 as soon as the limit is passed (at once when Content-Length says so), so no more than
 * `limit` bytes are ever held.
 */
export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > limit) throw tooLarge(reader)
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) throw tooLarge(reader)
    chunks.push(value)
  }
  reader.releaseLock()
  const body = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.byteLength
  }
  return body
}

/**
 * The 413 goes out at once while the rest of the body is read and dropped, so nothing piles up
 * unread: the server closes the connection lingering (host/gateway), which bounds how much.
 */
function tooLarge(reader: ReadableStreamDefaultReader<Uint8Array>): HttpError {
  void discard(reader)
  return new HttpError(413, 'Payload too large')
}

async function discard(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    // Ends with the body, or with an error once the connection is closed.
    while (!(await reader.read()).done) {}
  } catch {
    // The connection is gone: nothing is left to drop.
  }
}
