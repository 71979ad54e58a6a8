import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('./warm-hardened-child.fixture.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

describe('the warm-up of a bundle (warm-code-cache.ts)', () => {
  it('calls the handlers in a hardened throwaway isolate: no WebAssembly, no Atomics.waitAsync', async () => {
    const { code, signal, stdout } = await new Promise<{
      code: number | null
      signal: string | null
      stdout: string
    }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', CHILD], { cwd: ROOT })
      let stdout = ''
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
      })
      const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
      child.on('error', reject)
      child.on('close', (code, signal) => {
        clearTimeout(guard)
        resolve({ code, signal, stdout })
      })
    })
    expect(signal).toBeNull()
    expect(code).toBe(0)
    const rssMb = Number(/done (\d+)/.exec(stdout)?.[1])
    // 64 WebAssembly memories of 64 MiB each would be 4 GiB, whatever the 32 MB heap limit says.
    expect(rssMb).toBeGreaterThan(0)
    expect(rssMb).toBeLessThan(1024)
  })
})
