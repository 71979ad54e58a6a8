import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('./thrown-values-child.fixture.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Runs the child fixture; kills it if it outlives 20 s (a hang is the failure this test is about). */
function runChild(): Promise<{ signal: string | null; lines: Record<string, unknown>[]; done: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', CHILD], { cwd: ROOT })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('error', reject)
    child.on('close', (_code, signal) => {
      clearTimeout(guard)
      const lines = stdout.split('\n').filter((line) => line.startsWith('{'))
      resolve({
        signal,
        lines: lines.map((line) => JSON.parse(line) as Record<string, unknown>),
        done: stdout.includes('done'),
      })
    })
  })
}

/**
 * isolated-vm, as patched (patches/isolated-vm-5.0.4.patch), copies a value left rejected or thrown
 * out of a call without running any isolate code and with bounded sizes: each hostile value ends
 * the call at once as an `exception` the host can read, with the message only when it is an own
 * data property of a real Error, and the position where V8 recorded the error's creation.
 */
describe('values copied out of a plugin isolate after a call', () => {
  it('never runs plugin getters, traps or stack formatting, and bounds what it copies', async () => {
    const child = await runChild()
    expect(child.signal).toBeNull()
    expect(child.done).toBe(true)
    const byName = new Map(child.lines.map((line) => [line.name, line]))
    const unhandled = 'unhandled promise rejection in the plugin isolate'
    const notAnError = 'not an instance of `Error`'
    expect(byName.get('rejected object with looping getters')).toMatchObject({ code: 'exception' })
    expect(String(byName.get('rejected object with looping getters')?.message)).toContain(notAnError)
    expect(byName.get('rejected Error with a looping name and message')).toMatchObject({
      code: 'exception',
      message: `${unhandled}: `,
    })
    const formatted = byName.get('rejected Error whose stack formatting loops')
    expect(formatted).toMatchObject({ code: 'exception', message: `${unhandled}: formatted never` })
    expect(String(formatted?.stack)).toMatch(/^ {4}at <isolated-vm>:\d+:\d+$/)
    expect(byName.get('rejected Error under a proxy prototype')).toMatchObject({
      code: 'exception',
      message: `${unhandled}: behind a proxy`,
    })
    expect(String(byName.get('rejected 300 MB string')?.message)).toContain(
      'A string longer than 8192 characters',
    )
    expect(byName.get('rejected Error with a 300 MB message')).toMatchObject({
      message: `${unhandled}: [a message longer than 8192 characters]`,
    })
    expect(String(byName.get('thrown proxy')?.message)).toContain(notAnError)
    expect(String(byName.get('thrown huge BigInt')?.message)).toContain('A BigInt too large to copy')
  })
})
