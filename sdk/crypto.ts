/** Digest and HMAC algorithms kong.crypto knows. */
export type DigestAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'md5'

/** How digests and random bytes come back (default `hex`). */
export type BinaryEncoding = 'hex' | 'base64'

/**
 * kong.crypto: every request phase. Each call is performed by the gateway (isolates have no
 * `crypto`), so each returns a promise. Strings are hashed as UTF-8; data, keys and compared
 * strings may be at most 1 MiB (UTF-16 code units), passwords 4096 characters.
 */
export interface Crypto {
  digest(algorithm: DigestAlgorithm, data: string, encoding?: BinaryEncoding): Promise<string>
  hmac(algorithm: DigestAlgorithm, key: string, data: string, encoding?: BinaryEncoding): Promise<string>
  /** `n` secure random bytes, 1 to 1024. */
  randomBytes(n: number, encoding?: BinaryEncoding): Promise<string>
  /** A random (version 4) UUID. */
  randomUUID(): Promise<string>
  /** Compares in constant time; false for different lengths, without telling which. */
  timingSafeEqual(a: string, b: string): Promise<boolean>
  /**
   * A scrypt hash (N = 2^15, r = 8, p = 1, random 16-byte salt) as a PHC-style string:
   * `$scrypt$ln=15,r=8,p=1$<salt base64>$<key base64>` (unpadded).
   */
  hashPassword(password: string): Promise<string>
  /** Whether `password` matches a hash from hashPassword (rejects a malformed hash). */
  verifyPassword(password: string, hash: string): Promise<boolean>
}
