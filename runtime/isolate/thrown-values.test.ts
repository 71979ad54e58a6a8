import { describe, expect, it } from 'vitest'
import { runChildFixture } from './run-child.fixture.ts'

/** The child prints one JSON line per case, then `done`; a hang is the failure this is about. */
async function runChild(): Promise<{
  signal: string | null
  lines: Record<string, unknown>[]
  done: boolean
}> {
  const { signal, stdout } = await runChildFixture('thrown-values-child.fixture.ts')
  const lines = stdout.split('\n').filter((line) => line.startsWith('{'))
  return {
    signal,
    lines: lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    done: stdout.includes('done'),
  }
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
