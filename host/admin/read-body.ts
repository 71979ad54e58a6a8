import { HttpError } from './http-error.ts'

/** Kong's Admin API `client_max_body_size` (10m). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

const tooLarge = () => new HttpError(413, 'Payload too large')

/**
 * Reads a request body, counting bytes as they arrive (chunked uploads included) and giving up
 * with 413 as soon as the limit is passed, so no more than `limit` bytes are ever held.
 * The rest of the stream is left unread (not cancelled): the server drains or closes it after
 * the 413 is sent, and the client gets the answer instead of a reset connection.
 */
export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > limit) throw tooLarge()
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > limit) throw tooLarge()
      chunks.push(value)
    }
  } finally {
    reader.releaseLock()
  }
  const body = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.byteLength
  }
  return body
}
