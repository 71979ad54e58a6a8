import type { AccessKong } from 'isogate/sdk'

/** kong.crypto's limits: longer passwords cannot be what a hash was made of. */
const MAX_PASSWORD = 4096
const SCRYPT_HASH = /^\$scrypt\$/
const MAX_REMEMBERED = 1024

/**
 * Passwords already verified against a stored hash, as an HMAC under a key that never leaves
 * this isolate: `<credential id> <hash>` → HMAC of the password. scrypt costs ~80 ms of CPU per
 * check, so only the first request of a credential (per isolate, per password change) pays it;
 * a changed password is a new hash, hence a new entry.
 */
const remembered = new Map<string, string>()
let secret: string | null = null

/** Compares two strings without stopping at the first difference. */
function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < a.length && i < b.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

async function mac(kong: AccessKong, password: string): Promise<string> {
  if (secret === null) {
    const fresh = await kong.crypto.randomBytes(32)
    secret ??= fresh
  }
  return kong.crypto.hmac('sha256', secret, password)
}

function remember(key: string, value: string): void {
  if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!)
  remembered.set(key, value)
}

/**
 * Whether `password` is the credential's. The gateway stores passwords as scrypt hashes
 * (kong.crypto.hashPassword's format); anything else stored is refused, never compared in clear.
 */
export async function passwordMatches(
  kong: AccessKong,
  credential: { id: string; password: unknown },
  password: string,
): Promise<boolean> {
  const stored = credential.password
  if (typeof stored !== 'string' || !SCRYPT_HASH.test(stored)) {
    kong.log.err('credential ', credential.id, ' has no password hash')
    return false
  }
  if (password.length > MAX_PASSWORD) return false
  const key = `${credential.id} ${stored}`
  const known = remembered.get(key)
  if (known !== undefined) return sameText(await mac(kong, password), known)
  let ok: boolean
  try {
    ok = await kong.crypto.verifyPassword(password, stored)
  } catch (error) {
    kong.log.err('credential ', credential.id, ': ', (error as Error).message)
    return false
  }
  if (ok) remember(key, await mac(kong, password))
  return ok
}
