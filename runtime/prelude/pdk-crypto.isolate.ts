/**
 * kong.crypto: digests, HMAC, secure random, constant-time compare and password hashing. Isolates
 * have no `crypto`, so each call is one host I/O request (`crypto`, `[fn, ...args]`); arguments
 * are checked here for the plugin's sake and again on the host, which trusts nothing from here.
 */
import type { Frame } from './call.isolate.ts'
import { misuse } from './errors.isolate.ts'
import { NumberIsInteger, ObjectFreeze, ObjectHasOwn } from './intrinsics.isolate.ts'
import { requestIo } from './io.isolate.ts'
import { entered, FrameBound } from './pdk-bound.isolate.ts'
import { PHASES } from './phases.isolate.ts'

/** Data, keys and compared strings: at most 1 MiB (UTF-16 code units), as on the host. */
const MAX_DATA = 1024 * 1024
const MAX_PASSWORD = 4096
const MAX_HASH = 512
const ALGORITHMS = ObjectFreeze({ sha1: 1, sha256: 1, sha384: 1, sha512: 1, md5: 1 })
const ENCODINGS = ObjectFreeze({ hex: 1, base64: 1 })

function text(fn: string, name: string, value: unknown, max: number): string {
  if (typeof value !== 'string') throw misuse(fn, `${name} must be a string`)
  if (value.length > max) throw misuse(fn, `${name} must be at most ${max} characters`)
  return value
}

function algorithm(fn: string, value: unknown): string {
  if (typeof value !== 'string' || !ObjectHasOwn(ALGORITHMS, value)) {
    throw misuse(fn, 'algorithm must be one of sha1, sha256, sha384, sha512, md5')
  }
  return value
}

function encoding(fn: string, value: unknown): string {
  if (value === undefined) return 'hex'
  if (typeof value !== 'string' || !ObjectHasOwn(ENCODINGS, value)) {
    throw misuse(fn, "encoding must be 'hex' or 'base64'")
  }
  return value
}

async function asString(wait: Promise<unknown>): Promise<string> {
  const value = await wait
  return typeof value === 'string' ? value : ''
}

async function asBoolean(wait: Promise<unknown>): Promise<boolean> {
  return (await wait) === true
}

// Arguments are checked before the request is recorded, so a refused call asks the host nothing.
function io(frame: Frame, args: unknown[]): Promise<unknown> {
  return requestIo(frame, 'crypto', args)
}

/** kong.crypto: methods on a frozen prototype; an instance only carries its frame (pdk-bound). */
class CryptoModule extends FrameBound {
  digest(alg: unknown, data: unknown, enc?: unknown): Promise<string> {
    const fn = 'kong.crypto.digest'
    const frame = entered(this, fn, PHASES.data)
    const args = ['digest', algorithm(fn, alg), text(fn, 'data', data, MAX_DATA), encoding(fn, enc)]
    return asString(io(frame, args))
  }
  hmac(alg: unknown, key: unknown, data: unknown, enc?: unknown): Promise<string> {
    const fn = 'kong.crypto.hmac'
    const frame = entered(this, fn, PHASES.data)
    const args = [
      'hmac',
      algorithm(fn, alg),
      text(fn, 'key', key, MAX_DATA),
      text(fn, 'data', data, MAX_DATA),
      encoding(fn, enc),
    ]
    return asString(io(frame, args))
  }
  randomBytes(n: unknown, enc?: unknown): Promise<string> {
    const fn = 'kong.crypto.randomBytes'
    const frame = entered(this, fn, PHASES.data)
    if (typeof n !== 'number' || !NumberIsInteger(n) || n < 1 || n > 1024) {
      throw misuse(fn, 'n must be an integer from 1 to 1024')
    }
    return asString(io(frame, ['randomBytes', n, encoding(fn, enc)]))
  }
  randomUUID(): Promise<string> {
    return asString(io(entered(this, 'kong.crypto.randomUUID', PHASES.data), ['randomUUID']))
  }
  timingSafeEqual(a: unknown, b: unknown): Promise<boolean> {
    const fn = 'kong.crypto.timingSafeEqual'
    const frame = entered(this, fn, PHASES.data)
    const args = ['timingSafeEqual', text(fn, 'a', a, MAX_DATA), text(fn, 'b', b, MAX_DATA)]
    return asBoolean(io(frame, args))
  }
  hashPassword(password: unknown): Promise<string> {
    const fn = 'kong.crypto.hashPassword'
    const frame = entered(this, fn, PHASES.data)
    return asString(io(frame, ['hashPassword', text(fn, 'password', password, MAX_PASSWORD)]))
  }
  verifyPassword(password: unknown, hash: unknown): Promise<boolean> {
    const fn = 'kong.crypto.verifyPassword'
    const frame = entered(this, fn, PHASES.data)
    const args = [
      'verifyPassword',
      text(fn, 'password', password, MAX_PASSWORD),
      text(fn, 'hash', hash, MAX_HASH),
    ]
    return asBoolean(io(frame, args))
  }
}
ObjectFreeze(CryptoModule.prototype)
ObjectFreeze(CryptoModule)

export function cryptoModule(frame: Frame): object {
  return new CryptoModule(frame)
}
