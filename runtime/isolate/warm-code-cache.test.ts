import { describe, expect, it } from 'vitest'
import { runChildFixture } from './run-child.fixture.ts'

describe('the warm-up of a bundle (warm-code-cache.ts)', () => {
  it('calls the handlers in a hardened throwaway isolate: no WebAssembly, no Atomics.waitAsync', async () => {
    const { code, signal, stdout } = await runChildFixture('warm-hardened-child.fixture.ts')
    expect(signal).toBeNull()
    expect(code).toBe(0)
    const rssMb = Number(/done (\d+)/.exec(stdout)?.[1])
    // 64 WebAssembly memories of 64 MiB each would be 4 GiB, whatever the 32 MB heap limit says.
    expect(rssMb).toBeGreaterThan(0)
    expect(rssMb).toBeLessThan(1024)
  })
})
