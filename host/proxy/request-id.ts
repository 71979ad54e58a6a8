import { randomFillSync } from 'node:crypto'

const POOL_SIZE = 4096
const ID_BYTES = 16
const pool = Buffer.allocUnsafe(POOL_SIZE)
let offset = POOL_SIZE

/** A fresh random id per request: 32 hex characters, like Kong's `X-Kong-Request-Id`. */
export function newRequestId(): string {
  // One getrandom call per 256 ids instead of one per request.
  if (offset + ID_BYTES > POOL_SIZE) {
    randomFillSync(pool)
    offset = 0
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES)
  offset += ID_BYTES
  return id
}
