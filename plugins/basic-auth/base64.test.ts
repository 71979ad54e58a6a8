import { describe, expect, it } from 'vitest'
import { decodeBase64 } from './base64.ts'

/** A fixed pseudo-random byte source, so a failure can be replayed. */
function bytesFrom(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length)
  let state = seed
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) >>> 0
    out[i] = state >>> 24
  }
  return out
}

describe('decodeBase64', () => {
  it("decodes as Node's base64 and UTF-8 decoders do, padded or not, invalid UTF-8 included", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const bytes = bytesFrom(seed, seed % 40)
      const encoded = bytes.toString('base64')
      expect(decodeBase64(encoded)).toBe(bytes.toString('utf8'))
      expect(decodeBase64(encoded.replace(/=+$/, ''))).toBe(bytes.toString('utf8'))
    }
    expect(decodeBase64(Buffer.from('zoë:✓ 𝄞').toString('base64'))).toBe('zoë:✓ 𝄞')
  })

  it('reads up to the first "=", as nginx does', () => {
    expect(decodeBase64('Ym9iOmtvbmc=anything')).toBe('bob:kong')
    expect(decodeBase64('')).toBe('')
  })

  it('refuses characters outside the alphabet and a lone trailing sextet', () => {
    expect(decodeBase64('Ym9i Omtvbmc=')).toBeNull()
    expect(decodeBase64('Ym9i-mtvbmc')).toBeNull()
    expect(decodeBase64('Ym9iO')).toBeNull()
    expect(decodeBase64('adXNlcjEyMzpwYXNzd29yZDEyMw==')).not.toBeNull()
  })
})
