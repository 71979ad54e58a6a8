import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CHILD = fileURLToPath(new URL('./watchdog-child.fixture.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Runs the child fixture; kills it if it outlives 15 s (the watchdog should end a hang far sooner). */
function runChild(
  mode: string,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', CHILD, mode], {
      cwd: ROOT,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const guard = setTimeout(() => child.kill('SIGTERM'), 15_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

describe('crossing watchdog', () => {
  it('kills the process when a crossing cannot be interrupted', async () => {
    const child = await runChild('hang')
    expect(child.signal).toBe('SIGKILL')
    expect(child.stdout).not.toContain('answered')
    expect(child.stderr).toMatch(
      /isogate: watchdog fired \(a bug in isogate, please report it\): a plugin isolate call \(ws\/hostile\) ran \d+ ms past its timeout/,
    )
  })

  it('stays out of the way of ordinary crossings', async () => {
    const child = await runChild('fine')
    expect(child).toMatchObject({ code: 0, signal: null })
    expect(child.stdout).toContain('answered')
  })
})
