import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { BRIDGE_LIMITS } from '../isolate/bridge-limits.ts'
import { bundles, PROBE_HANDLER, probe, probeIsolate } from './prelude-fixture.ts'
import { CAPS } from './quota.isolate.ts'

type TestIsolate = ReturnType<typeof probeIsolate>
let probeBundle: { name: string; code: string }[]
let isolate: TestIsolate | undefined

beforeAll(async () => {
  probeBundle = await bundles({ probe: PROBE_HANDLER })
})
afterEach(() => {
  isolate?.dispose()
  isolate = undefined
})

const MB = 1024 * 1024

/**
 * Plugin values are measured on `.length` inside the isolate, before anything flattens, encodes or
 * copies them: an oversized one fails the whole call with a `quota` answer (503 at the host),
 * whatever the plugin does with the error it gets; long error texts are cut or left out.
 */
describe('bridge quotas measured in the isolate', () => {
  it('mirrors the host bridge limits', () => {
    for (const [key, value] of Object.entries(CAPS)) {
      expect(value, key).toBe(BRIDGE_LIMITS[key as keyof typeof BRIDGE_LIMITS])
    }
  })

  it('refuses a 400 MB exit body by its length, and nothing else of the call is sent', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      'kong.response.setHeader("x-before", "1"); kong.response.exit(200, "A".repeat(400 * 1024 * 1024))',
    )
    expect(run.result.quota).toEqual({
      rule: 'body_size',
      where: 'the body',
      length: 400 * MB,
      max: CAPS.bodyChars,
    })
    expect(run.result.mutations).toEqual([])
    expect(run.result.exit).toBeUndefined()
  })

  it('keeps the quota when the plugin catches the error and carries on', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      'try { kong.response.setHeader("x-big", "A".repeat(40 * 1024 * 1024)) } catch (e) {} kong.response.exit(200, "fine")',
    )
    expect(run.result.quota).toMatchObject({
      rule: 'header_size',
      length: 40 * MB,
      max: CAPS.headerValueChars,
    })
    expect(run.result.exit).toBeUndefined()
  })

  it('refuses an object body whose strings add up past the cap, without encoding it', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'access', 'kong.response.exit(200, { a: "A".repeat(200 * 1024 * 1024) })')
    expect(run.result.quota).toMatchObject({ rule: 'body_size', where: 'the body', max: CAPS.bodyChars })
  })

  it('refuses a binary body whose base64 would be over the cap, before encoding it', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(isolate, 'access', 'kong.response.exit(200, new Uint8Array(10 * 1024 * 1024))')
    expect(run.result.quota).toMatchObject({ rule: 'body_size', where: 'the body (base64)' })
  })

  it('fails a call whose values add up past the answer cap, each under its own', () => {
    isolate = probeIsolate(probeBundle)
    const run = probe(
      isolate,
      'access',
      'const v = "v".repeat(30 * 1024); for (let i = 0; i < 600; i++) kong.service.request.setHeader("x-h" + i, v)',
    )
    expect(run.result.quota).toMatchObject({ rule: 'result_size', where: 'the call answer' })
  })

  it('leaves out a thrown error message too long to cut, and cuts a long one', () => {
    isolate = probeIsolate(probeBundle)
    const huge = probe(isolate, 'access', 'throw "m".repeat(300 * 1024 * 1024)')
    expect(huge.result.outcomes[0]?.error?.message).toBe(`[a string of ${300 * MB} characters]`)
    const long = probe(isolate, 'access', 'throw new Error("m".repeat(100 * 1024))')
    const outcome = long.result.outcomes[0]!
    expect(outcome.error!.message).toHaveLength(16 * 1024 + '… [truncated]'.length)
    expect(outcome.error!.stack!.length).toBeLessThanOrEqual(16 * 1024 + '… [truncated]'.length)
  })
})
