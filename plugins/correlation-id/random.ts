/**
 * A small PRNG (xoshiro128**) of this plugin's own, seeded once per isolate. Plugins run in a bare
 * V8 isolate with no crypto API, so the seed comes from what the isolate has: V8's Math.random
 * (seeded per isolate from the host's entropy source) mixed with the clock. Good for request IDs,
 * as Kong's own UUIDs (resty.jit-uuid over math.random); not for secrets.
 */
let s0 = 0
let s1 = 0
let s2 = 0
let s3 = 0
let seeded = false

function seed(): void {
  const now = Date.now()
  const draw = (i: number) => ((Math.random() * 0x1_0000_0000) ^ Math.floor(now / (i + 1))) >>> 0
  s0 = draw(0)
  s1 = draw(1)
  s2 = draw(2)
  s3 = draw(3)
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1
  seeded = true
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0

/** The next 32 random bits, unsigned. */
export function nextUint32(): number {
  if (!seeded) seed()
  const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0
  const t = (s1 << 9) >>> 0
  s2 = (s2 ^ s0) >>> 0
  s3 = (s3 ^ s1) >>> 0
  s1 = (s1 ^ s2) >>> 0
  s0 = (s0 ^ s3) >>> 0
  s2 = (s2 ^ t) >>> 0
  s3 = rotl(s3, 11)
  return result
}

const hex = (value: number, digits: number): string => value.toString(16).padStart(digits, '0')

/** A random (version 4, RFC 4122 variant) UUID in lower-case hex, as Kong's `uuid()`. */
export function uuid(): string {
  const a = nextUint32()
  const b = nextUint32()
  const c = nextUint32()
  const d = nextUint32()
  const timeHi = (b & 0x0fff) | 0x4000
  const clock = ((c >>> 16) & 0x3fff) | 0x8000
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-${hex(timeHi, 4)}-${hex(clock, 4)}-${hex(c & 0xffff, 4)}${hex(d, 8)}`
}
