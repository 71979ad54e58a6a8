/**
 * nginx's base64 decoding (ngx.decode_base64), which isolates lack (no atob, no Buffer): the
 * standard alphabet, read up to the first `=` (the rest is ignored), padding optional; any other
 * character, or a length leaving a lone sextet, is malformed (null). The bytes are read as UTF-8.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const SEXTETS = new Map([...ALPHABET].map((char, index) => [char, index]))

export function decodeBase64(text: string): string | null {
  const end = text.indexOf('=') === -1 ? text.length : text.indexOf('=')
  if (end % 4 === 1) return null
  const bytes: number[] = []
  let bits = 0
  let count = 0
  for (let i = 0; i < end; i++) {
    const sextet = SEXTETS.get(text[i]!)
    if (sextet === undefined) return null
    bits = ((bits << 6) | sextet) & 0xffffff
    count += 6
    if (count >= 8) {
      count -= 8
      bytes.push((bits >> count) & 0xff)
    }
  }
  return decodeUtf8(bytes)
}

/** The sequence length a lead byte announces; 0 for a byte that cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1
  if (lead >= 0xc2 && lead < 0xe0) return 2
  if (lead >= 0xe0 && lead < 0xf0) return 3
  if (lead >= 0xf0 && lead < 0xf5) return 4
  return 0
}

/** WHATWG's UTF-8 decoder (TextDecoder without `fatal`): each invalid sequence becomes U+FFFD. */
function decodeUtf8(bytes: number[]): string {
  let out = ''
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i++]!
    const size = sequenceLength(lead)
    if (size <= 1) {
      out += size === 1 ? String.fromCharCode(lead) : '\ufffd'
      continue
    }
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    let lower = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    let upper = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    let code = lead & (0xff >> (size + 1))
    let n = 1
    for (; n < size; n++) {
      const next = bytes[i]
      if (next === undefined || next < lower || next > upper) break
      code = (code << 6) | (next & 0x3f)
      i++
      lower = 0x80
      upper = 0xbf
    }
    out += n === size ? String.fromCodePoint(code) : '\ufffd'
  }
  return out
}
