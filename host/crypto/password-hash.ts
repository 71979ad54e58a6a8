/**
 * Password hashing for kong.crypto and for `hashed` entity fields: scrypt (N = 2^15, r = 8,
 * p = 1, 16-byte random salt, 32-byte key), asynchronously on libuv's thread pool, into a
 * PHC-style string `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (unpadded standard base64).
 * verifyPassword reads the parameters from the hash, bounded to ln <= 15, r <= 8, p <= 4 (at most
 * 32 MiB per call).
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto'

const SCRYPT = { ln: 15, r: 8, p: 1 }
const SALT_BYTES = 16
const KEY_BYTES = 32
/** Above node's 32 MiB default: scrypt needs 128·N·r bytes plus a little. */
const MAXMEM = 64 * 1024 * 1024
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d)\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/

function derive(password: string, salt: Buffer, ln: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** ln, r, p, maxmem: MAXMEM }
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '')

/** Whether `value` is already a hash this module made (kept as is by `hashed` fields: exports re-import). */
export function isPasswordHash(value: string): boolean {
  const match = PHC.exec(value)
  return match !== null && supported(Number(match[1]), Number(match[2]), Number(match[3]))
}

const supported = (ln: number, r: number, p: number) =>
  ln >= 1 && ln <= 15 && r >= 1 && r <= 8 && p >= 1 && p <= 4

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, SCRYPT.ln, SCRYPT.r, SCRYPT.p)
  return `$scrypt$ln=${SCRYPT.ln},r=${SCRYPT.r},p=${SCRYPT.p}$${b64(salt)}$${b64(key)}`
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const match = PHC.exec(hash)
  if (!match) throw new Error('kong.crypto.verifyPassword: hash is not a scrypt password hash')
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (!supported(ln, r, p)) {
    throw new Error('kong.crypto.verifyPassword: hash has unsupported scrypt parameters')
  }
  const expected = Buffer.from(match[5]!, 'base64')
  if (expected.length !== KEY_BYTES) {
    throw new Error('kong.crypto.verifyPassword: hash is not a scrypt password hash')
  }
  const key = await derive(password, Buffer.from(match[4]!, 'base64'), ln, r, p)
  return timingSafeEqual(key, expected)
}
