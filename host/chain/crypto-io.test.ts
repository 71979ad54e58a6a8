import { describe, expect, it } from 'vitest'
import { performCrypto } from './crypto-io.ts'

const MiB = 1024 * 1024

describe('performCrypto', () => {
  it('computes known digests in hex (default) and base64', async () => {
    expect(await performCrypto(['digest', 'sha256', 'abc', 'hex'])).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
    expect(await performCrypto(['digest', 'sha256', 'abc', 'base64'])).toBe(
      'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=',
    )
    expect(await performCrypto(['digest', 'sha1', 'abc'])).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
    expect(await performCrypto(['digest', 'md5', ''])).toBe('d41d8cd98f00b204e9800998ecf8427e')
    expect(await performCrypto(['digest', 'sha384', 'abc'])).toMatch(/^cb00753f45a35e8b[0-9a-f]{80}$/)
    expect(await performCrypto(['digest', 'sha512', 'abc'])).toMatch(/^ddaf35a193617aba[0-9a-f]{112}$/)
  })

  it('computes known HMACs (RFC 4231 and RFC 2104 vectors)', async () => {
    const data = 'what do ya want for nothing?'
    expect(await performCrypto(['hmac', 'sha256', 'Jefe', data])).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
    expect(await performCrypto(['hmac', 'md5', 'Jefe', data, 'hex'])).toBe('750c783e6ab0b503eaa86e310a5db738')
    expect(await performCrypto(['hmac', 'sha256', 'Jefe', data, 'base64'])).toBe(
      Buffer.from('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'hex').toString(
        'base64',
      ),
    )
  })

  it('returns random bytes of the asked size and fresh UUIDs', async () => {
    expect(await performCrypto(['randomBytes', 1, 'hex'])).toMatch(/^[0-9a-f]{2}$/)
    expect(await performCrypto(['randomBytes', 16])).toMatch(/^[0-9a-f]{32}$/)
    const b64 = (await performCrypto(['randomBytes', 1024, 'base64'])) as string
    expect(Buffer.from(b64, 'base64')).toHaveLength(1024)
    const a = await performCrypto(['randomBytes', 32])
    expect(await performCrypto(['randomBytes', 32])).not.toBe(a)
    const uuid = (await performCrypto(['randomUUID'])) as string
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(await performCrypto(['randomUUID'])).not.toBe(uuid)
  })

  it('compares strings, false for different content or lengths', async () => {
    expect(await performCrypto(['timingSafeEqual', 'secret', 'secret'])).toBe(true)
    expect(await performCrypto(['timingSafeEqual', '', ''])).toBe(true)
    expect(await performCrypto(['timingSafeEqual', 'secret', 'secreT'])).toBe(false)
    expect(await performCrypto(['timingSafeEqual', 'secret', 'secret!'])).toBe(false)
    expect(await performCrypto(['timingSafeEqual', '', 'x'])).toBe(false)
  })

  it('hashes a password and verifies it, refusing a wrong one', async () => {
    const hash = (await performCrypto(['hashPassword', 'correct horse'])) as string
    expect(hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(await performCrypto(['hashPassword', 'correct horse'])).not.toBe(hash)
    expect(await performCrypto(['verifyPassword', 'correct horse', hash])).toBe(true)
    expect(await performCrypto(['verifyPassword', 'correct horsE', hash])).toBe(false)
    expect(await performCrypto(['verifyPassword', '', hash])).toBe(false)
  })

  it('verifies hashes made with other bounded parameters', async () => {
    const salt = Buffer.from('0123456789abcdef')
    const { scryptSync } = await import('node:crypto')
    const key = scryptSync('pw', salt, 32, { N: 2 ** 10, r: 4, p: 2 })
    const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '')
    const hash = `$scrypt$ln=10,r=4,p=2$${b64(salt)}$${b64(key)}`
    expect(await performCrypto(['verifyPassword', 'pw', hash])).toBe(true)
    expect(await performCrypto(['verifyPassword', 'px', hash])).toBe(false)
  })

  const hash = `$scrypt$ln=15,r=8,p=1$${'A'.repeat(22)}$${'A'.repeat(43)}`
  const refusals: [string, unknown[], RegExp][] = [
    ['a non-array request', 'digest' as unknown as unknown[], /malformed request/],
    ['an unknown function', ['encrypt', 'x'], /unknown function/],
    ['a missing function name', [], /unknown function/],
    ['an unknown digest', ['digest', 'sha3-256', 'x'], /algorithm must be one of/],
    ['a non-string algorithm', ['digest', 1, 'x'], /algorithm must be one of/],
    ['an inherited name as algorithm', ['hmac', 'constructor', 'k', 'x'], /algorithm must be one of/],
    ['non-string data', ['digest', 'sha256', 42], /data must be a string/],
    ['data over 1 MiB', ['digest', 'sha256', 'x'.repeat(MiB + 1)], /data must be at most 1048576/],
    ['an unknown encoding', ['digest', 'sha256', 'x', 'utf8'], /encoding must be 'hex' or 'base64'/],
    ['too many arguments', ['digest', 'sha256', 'x', 'hex', 1], /wrong number of arguments/],
    ['too few arguments', ['hmac', 'sha256', 'k'], /wrong number of arguments/],
    ['a non-string key', ['hmac', 'sha256', null, 'x'], /key must be a string/],
    ['a key over 1 MiB', ['hmac', 'sha256', 'k'.repeat(MiB + 1), 'x'], /key must be at most/],
    ['zero random bytes', ['randomBytes', 0], /n must be an integer from 1 to 1024/],
    ['too many random bytes', ['randomBytes', 1025], /n must be an integer from 1 to 1024/],
    ['a fractional size', ['randomBytes', 1.5], /n must be an integer/],
    ['a string size', ['randomBytes', '16'], /n must be an integer/],
    ['a bad random encoding', ['randomBytes', 4, 'latin1'], /encoding must be/],
    ['arguments to randomUUID', ['randomUUID', 4], /wrong number of arguments/],
    ['a non-string to compare', ['timingSafeEqual', 'a', 1], /b must be a string/],
    ['a compared string over 1 MiB', ['timingSafeEqual', 'a'.repeat(MiB + 1), 'a'], /a must be at most/],
    ['a non-string password', ['hashPassword', 123], /password must be a string/],
    ['a password too long', ['hashPassword', 'p'.repeat(4097)], /password must be at most 4096/],
    ['a non-string hash', ['verifyPassword', 'pw', {}], /hash must be a string/],
    ['a hash too long', ['verifyPassword', 'pw', 'h'.repeat(513)], /hash must be at most 512/],
    ['a malformed hash', ['verifyPassword', 'pw', '$2b$10$abc'], /not a scrypt password hash/],
    ['a short key in the hash', ['verifyPassword', 'pw', hash.slice(0, -8)], /not a scrypt password hash/],
    ['a cost too high', ['verifyPassword', 'pw', hash.replace('ln=15', 'ln=20')], /unsupported scrypt/],
    ['r too high', ['verifyPassword', 'pw', hash.replace('r=8', 'r=16')], /unsupported scrypt/],
    ['p of zero', ['verifyPassword', 'pw', hash.replace('p=1', 'p=0')], /unsupported scrypt/],
  ]
  it.each(refusals)('refuses %s', async (_name, args, message) => {
    await expect(performCrypto(args)).rejects.toThrow(message)
  })
})
