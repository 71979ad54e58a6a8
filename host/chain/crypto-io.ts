/**
 * The host side of kong.crypto (the `crypto` I/O op): `[fn, ...args]` from an isolate → a string
 * or boolean. The isolate is untrusted, so every argument is checked again here; bad input
 * rejects with a plain Error whose message the plugin sees.
 * Password hashing is host/crypto's (scrypt, PHC strings), shared with `hashed` entity fields.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { hashPassword, verifyPassword } from '../crypto/index.ts'

/** Data, keys and compared strings: at most 1 MiB (UTF-16 code units), as in the isolate. */
const MAX_DATA = 1024 * 1024
const MAX_PASSWORD = 4096
const MAX_HASH = 512
const ALGORITHMS = new Set(['sha1', 'sha256', 'sha384', 'sha512', 'md5'])
function text(fn: string, name: string, value: unknown, max: number): string {
  if (typeof value !== 'string') throw new Error(`kong.crypto.${fn}: ${name} must be a string`)
  if (value.length > max) throw new Error(`kong.crypto.${fn}: ${name} must be at most ${max} characters`)
  return value
}

function algorithm(fn: string, value: unknown): string {
  if (typeof value !== 'string' || !ALGORITHMS.has(value)) {
    throw new Error(`kong.crypto.${fn}: algorithm must be one of sha1, sha256, sha384, sha512, md5`)
  }
  return value
}

function encoding(fn: string, value: unknown): 'hex' | 'base64' {
  if (value === undefined || value === 'hex') return 'hex'
  if (value === 'base64') return 'base64'
  throw new Error(`kong.crypto.${fn}: encoding must be 'hex' or 'base64'`)
}

function arity(fn: string, args: unknown[], count: number, optional = 0): void {
  if (args.length < count || args.length > count + optional) {
    throw new Error(`kong.crypto.${fn}: wrong number of arguments`)
  }
}

/** Equal-length digests of both sides, so neither the content nor the lengths leak by timing. */
function sameText(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  const same = timingSafeEqual(da, db)
  return same && a.length === b.length
}

export async function performCrypto(args: unknown[]): Promise<unknown> {
  if (!Array.isArray(args)) throw new Error('kong.crypto: malformed request')
  const [fn, ...rest] = args
  switch (fn) {
    case 'digest': {
      arity(fn, rest, 2, 1)
      const alg = algorithm(fn, rest[0])
      const data = text(fn, 'data', rest[1], MAX_DATA)
      return createHash(alg).update(data).digest(encoding(fn, rest[2]))
    }
    case 'hmac': {
      arity(fn, rest, 3, 1)
      const alg = algorithm(fn, rest[0])
      const key = text(fn, 'key', rest[1], MAX_DATA)
      const data = text(fn, 'data', rest[2], MAX_DATA)
      return createHmac(alg, key).update(data).digest(encoding(fn, rest[3]))
    }
    case 'randomBytes': {
      arity(fn, rest, 1, 1)
      const n = rest[0]
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 1024) {
        throw new Error('kong.crypto.randomBytes: n must be an integer from 1 to 1024')
      }
      return randomBytes(n).toString(encoding(fn, rest[1]))
    }
    case 'randomUUID':
      arity(fn, rest, 0)
      return randomUUID()
    case 'timingSafeEqual':
      arity(fn, rest, 2)
      return sameText(text(fn, 'a', rest[0], MAX_DATA), text(fn, 'b', rest[1], MAX_DATA))
    case 'hashPassword':
      arity(fn, rest, 1)
      return hashPassword(text(fn, 'password', rest[0], MAX_PASSWORD))
    case 'verifyPassword':
      arity(fn, rest, 2)
      return verifyPassword(text(fn, 'password', rest[0], MAX_PASSWORD), text(fn, 'hash', rest[1], MAX_HASH))
    default:
      throw new Error('kong.crypto: unknown function')
  }
}
